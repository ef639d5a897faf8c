package io.vpush.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.config.VPushConfig;
import io.vpush.testing.NeedsBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page (stock SockJS + event-bus bridge client) in headless Chromium receives messages when WebSocket is not
 * there: once with {@code window.WebSocket} removed, once behind an HTTP proxy that refuses every WebSocket upgrade.
 * Either way SockJS falls back to a polling or streaming transport and the page gets its messages by seq.
 */
@NeedsBrowser
class DemoFallbackTest {

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
  /**
   * Requests only SockJS's non-WebSocket transports make: their receiving requests, and their sends (a streaming
   * receive still open is not in the page's resource timing yet; its sends, which end, are).
   */
  private static final List<String> FALLBACKS = List.of("xhr_streaming", "xhr", "eventsource", "htmlfile", "jsonp",
      "xhr_send", "jsonp_send");
  private static Vertx vertx;
  private static VPushNode node;
  private static HttpServer proxy;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = MetricsTest.await(VPushNode.start(vertx, VPushConfig.defaults().with(MetricsTest.base(), "test")));
    proxy = refusingProxy(node.httpPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) MetricsTest.await(proxy.close());
    if (node != null) MetricsTest.await(node.close());
    if (vertx != null) MetricsTest.await(vertx.close());
  }

  @Test
  void withoutWebSocketInThePageTheDemoGetsItsMessagesOverAFallback() throws Exception {
    try (Chromium chrome = Chromium.start()) {
      chrome.call("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source", "delete window.WebSocket; window.WebSocket = undefined;"));
      receivesOverAFallback(chrome, node.httpPort(), "nows");
    }
  }

  @Test
  void behindAProxyThatRefusesWebSocketUpgradesTheDemoGetsItsMessagesOverAFallback() throws Exception {
    try (Chromium chrome = Chromium.start()) {
      assertThat(chrome.eval("typeof WebSocket")).as("the page has WebSocket: the proxy is what refuses it").isEqualTo("function");
      receivesOverAFallback(chrome, proxy.actualPort(), "proxied");
    }
  }

  private void receivesOverAFallback(Chromium chrome, int port, String userPrefix) throws Exception {
    String user = userPrefix + "-" + System.nanoTime();
    chrome.navigate("http://127.0.0.1:" + port + "/");
    chrome.eval("document.getElementById('user').value = '" + user + "'");
    chrome.eval("document.getElementById('token').value = '" + MetricsTest.token(vertx, user) + "'");
    chrome.eval("document.getElementById('connect').click()");
    assertThat(chrome.eval(awaitPage("document.getElementById('status').textContent === 'connected'")))
        .as("registered over SockJS").isEqualTo(true);
    for (int i = 1; i <= 3; i++) publish(user, i);
    assertThat(chrome.eval(awaitPage("document.querySelectorAll('#messages tr').length === 3"))).isEqualTo(true);
    assertThat(chrome.eval("Array.from(document.querySelectorAll('#messages tr')).map(r => r.cells[0].textContent).join(',')"))
        .as("seqs, newest first").isEqualTo("3,2,1");
    Object transports = chrome.eval("performance.getEntriesByType('resource').map(e => e.name)"
        + ".filter(n => n.includes('/eventbus/')).map(n => n.split('?')[0].split('/').pop()).join(',')");
    assertThat(Set.copyOf(List.of(String.valueOf(transports).split(",")))).as("SockJS requests of the page: %s", transports)
        .containsAnyElementsOf(FALLBACKS)
        .doesNotContain("websocket");
  }

  /** A page expression that resolves true once {@code condition} holds, or false after 10 s (polled by the page). */
  private static String awaitPage(String condition) {
    return """
        new Promise(resolve => {
          const until = Date.now() + 10000;
          (function poll() {
            if (%s) resolve(true);
            else if (Date.now() > until) resolve(false);
            else setTimeout(poll, 50);
          })();
        })""".formatted(condition);
  }

  private static void publish(String user, int i) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/messages"))
        .header("Authorization", "Bearer " + MetricsTest.API_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("payload", new JsonObject().put("i", i)).encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  /**
   * An HTTP/1.1 reverse proxy to the node that answers every WebSocket upgrade 403, as some corporate proxies do, and
   * streams everything else through (SockJS's streaming transports need the response body as it comes).
   */
  private static HttpServer refusingProxy(int target) throws Exception {
    HttpClient client = vertx.createHttpClient();
    return vertx.createHttpServer().requestHandler(req -> {
      if ("websocket".equalsIgnoreCase(req.getHeader(HttpHeaders.UPGRADE))) {
        req.response().setStatusCode(403).end("WebSocket is not allowed here");
        return;
      }
      forward(client, target, req);
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  private static void forward(HttpClient client, int target, HttpServerRequest req) {
    req.pause();
    RequestOptions options = new RequestOptions().setMethod(req.method()).setHost("127.0.0.1").setPort(target).setURI(req.uri());
    client.request(options).compose(out -> {
      req.headers().forEach(h -> {
        if (!h.getKey().equalsIgnoreCase("host") && !h.getKey().equalsIgnoreCase("connection")) out.putHeader(h.getKey(), h.getValue());
      });
      if (req.getHeader(HttpHeaders.CONTENT_LENGTH) == null) out.setChunked(true);
      return send(out, req);
    }).onSuccess(resp -> {
      req.response().setStatusCode(resp.statusCode());
      resp.headers().forEach(h -> {
        if (!h.getKey().equalsIgnoreCase("connection") && !h.getKey().equalsIgnoreCase("transfer-encoding")) req.response().putHeader(h.getKey(), h.getValue());
      });
      if (resp.getHeader(HttpHeaders.CONTENT_LENGTH) == null) req.response().setChunked(true);
      resp.pipeTo(req.response());
    }).onFailure(e -> {
      if (!req.response().ended()) req.response().setStatusCode(502).end();
    });
  }

  private static Future<io.vertx.core.http.HttpClientResponse> send(HttpClientRequest out, HttpServerRequest in) {
    Future<io.vertx.core.http.HttpClientResponse> resp = out.response();
    in.pipeTo(out);
    in.resume();
    return resp;
  }
}
