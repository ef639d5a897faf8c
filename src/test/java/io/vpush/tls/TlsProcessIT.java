package io.vpush.tls;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.Hs256Tokens;
import io.vpush.testing.TestCertificates;
import io.vpush.testing.VPushProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fat jar with TLS: a production node serving its port over TLS is reached by the JDK's own WebSocket client over
 * wss:// and by an HTTPS publish; a bad TLS setting stops the process at start (exit 2) naming the key and its source,
 * without quoting a password.
 */
class TlsProcessIT {

  private static final String SECRET = "tls-process-it-secret-0123456789abcdef";
  private static final String API_KEY = "tls-process-it-key";
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.create();
  }

  @AfterAll
  static void cleanup() {
    if (certs != null) certs.close();
  }

  private static VPushProcess.Builder production() {
    return VPushProcess.builder().env(Map.of("VPUSH_MODE", "production", "VPUSH_STORE", "memory", "VPUSH_JWT_SECRET", SECRET,
        "VPUSH_API_KEY", API_KEY, "VPUSH_TCP_BRIDGE_ENABLED", "false"));
  }

  @Test
  void theJdkWebSocketClientOverWssReceivesAnHttpsPublish() throws Exception {
    try (VPushProcess node = production().name("tls").tls(certs).start()) {
      node.awaitReady(Duration.ofSeconds(60));
      HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(certs.clientContext(false)).build();
      LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
      WebSocket ws = https.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + node.port() + "/eventbus/websocket"),
          new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                frames.add(text.toString());
                text.setLength(0);
              }
              socket.request(1);
              return null;
            }
          }).get(10, TimeUnit.SECONDS);
      ws.sendText(new JsonObject().put("type", "register").put("address", "vpush.user.tls-proc")
          .put("headers", new JsonObject().put("token", Hs256Tokens.mint(SECRET, "tls-proc", 3600)).put("clientId", "c")).encode(), true)
          .get(10, TimeUnit.SECONDS);
      awaitFrame(frames, f -> "registered".equals(f.getJsonObject("headers", new JsonObject()).getString("control")));

      HttpResponse<String> published = https.send(HttpRequest.newBuilder(node.uri("/api/v1/messages"))
          .header("Authorization", "Bearer " + API_KEY)
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", "tls-proc").put("payload", "hello tls").encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
      JsonObject message = awaitFrame(frames, f -> "hello tls".equals(f.getValue("body")));
      assertThat(message.getString("address")).isEqualTo("vpush.user.tls-proc");
      ws.abort();
    }
  }

  @Test
  void aCertificateWithoutItsKeyStopsTheProcessNamingTheKeyAndSource() {
    try (VPushProcess node = production().name("tls-bad").env("VPUSH_TLS_CERT_PATH", certs.serverCert().toString()).launch()) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(node.log()).contains("config error: 'tls.certPath' from environment variable VPUSH_TLS_CERT_PATH")
          .contains("without tls.keyPath");
    }
  }

  @Test
  void aWrongPkcs12PasswordStopsTheProcessWithoutQuotingIt() {
    String wrong = "not-the-pkcs12-password-77";
    try (VPushProcess node = production().name("tls-p12").env(Map.of("VPUSH_TLS_PKCS12_PATH", certs.serverPkcs12().toString(),
        "VPUSH_TLS_PKCS12_PASSWORD", wrong)).launch()) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(node.log()).contains("'tls.pkcs12Path' from environment variable VPUSH_TLS_PKCS12_PATH").doesNotContain(wrong);
    }
  }

  private static JsonObject awaitFrame(LinkedBlockingQueue<String> frames, java.util.function.Predicate<JsonObject> match)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      String f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (f == null) break;
      JsonObject frame = new JsonObject(f);
      if (match.test(frame)) return frame;
    }
    throw new AssertionError("no matching frame within 10 s");
  }
}
