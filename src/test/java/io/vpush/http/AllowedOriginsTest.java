package io.vpush.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vpush.VPushNode;
import io.vpush.config.ConfigException;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A production node with {@code http.allowedOrigins}: a page of another origin cannot open a raw WebSocket or a SockJS
 * session (403 at the handshake), the configured origins and the node's own can, clients without Origin are not
 * checked, and the API answers CORS for the configured origins only (but /api/v1/connect, public, for any).
 */
class AllowedOriginsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static Vertx vertx;
  private static VPushNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = VPushNode.start(vertx, config(List.of("https://app.example.com", "https://*.example.org")))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static VPushConfig config(List<String> origins) {
    return VPushConfig.defaults().with(Map.<Setting<?>, Object>of(Settings.MODE, "production", Settings.HTTP_HOST, "127.0.0.1",
        Settings.HTTP_PORT, 0, Settings.JWT_SECRET, "allowed-origins-test-secret-0123456789", Settings.API_KEY, "origins-key",
        Settings.TCP_BRIDGE_ENABLED, false, Settings.HTTP_ALLOWED_ORIGINS, origins), "test");
  }

  @Test
  void rawWebSocketFromAnotherOriginIsRefusedAt403() {
    assertThat(wsStatus("https://evil.example")).isEqualTo(403);
    assertThat(wsStatus("https://app.example.com")).isEqualTo(101);
    assertThat(wsStatus("https://chat.example.org")).isEqualTo(101);
    assertThat(wsStatus("http://127.0.0.1:" + node.httpPort())).as("the node's own origin").isEqualTo(101);
    assertThat(wsStatus(null)).as("no Origin: not a browser").isEqualTo(101);
  }

  @Test
  void sockJsFromAnotherOriginIsRefusedAt403() throws Exception {
    HttpResponse<String> evil = get("/eventbus/info", "https://evil.example");
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.body()).contains("\"error\":\"forbidden\"").contains("http.allowedOrigins");
    assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(get("/eventbus/123/abcd/xhr_streaming", "https://evil.example").statusCode()).isEqualTo(403);
    HttpResponse<String> app = get("/eventbus/info", "https://app.example.com");
    assertThat(app.statusCode()).isEqualTo(200);
    assertThat(app.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
  }

  @Test
  void theApiAnswersCorsForConfiguredOriginsOnly() throws Exception {
    HttpResponse<String> ok = preflight("https://a.example.org");
    assertThat(ok.statusCode()).isBetween(200, 204);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://a.example.org");
    HttpResponse<String> evil = preflight("https://evil.example");
    assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    // Where to connect is public (no key, no credentials): readable from any page, so a browser app finds the nodes.
    HttpResponse<String> connect = get("/api/v1/connect", "https://app.example.com");
    assertThat(connect.statusCode()).isEqualTo(200);
    assertThat(connect.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
  }

  @Test
  void aBadEntryStopsTheNodeWithTheKeyNamed() {
    assertThatThrownBy(() -> VPushNode.start(vertx, config(List.of("app.example.com"))).toCompletionStage().toCompletableFuture().join())
        .hasRootCauseInstanceOf(ConfigException.class).rootCause().hasMessageContaining("http.allowedOrigins").hasMessageContaining("test");
  }

  private static int wsStatus(String origin) {
    WebSocket.Builder b = HTTP.newWebSocketBuilder();
    if (origin != null) b.header("Origin", origin);
    try {
      WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + node.httpPort() + "/eventbus/websocket"), new WebSocket.Listener() {})
          .get(10, TimeUnit.SECONDS);
      ws.abort();
      return 101;
    } catch (Exception e) {
      Throwable c = e instanceof CompletionException || e.getCause() != null ? e.getCause() : e;
      if (c instanceof WebSocketHandshakeException h) return h.getResponse().statusCode();
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> get(String path, String origin) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).header("Origin", origin)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> preflight(String origin) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/messages"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization,content-type")
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
