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

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the browser tests share beside {@link Chromium}: a proxy that refuses WebSocket upgrades, and an HTTP publish. */
final class BrowserFixtures {

  /**
   * Requests only SockJS's non-WebSocket transports make: their receiving requests, and their sends (a streaming
   * receive still open is not in the page's resource timing yet; its sends, which end, are).
   */
  static final List<String> SOCKJS_FALLBACKS = List.of("xhr_streaming", "xhr", "eventsource", "htmlfile", "jsonp",
      "xhr_send", "jsonp_send");
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  private BrowserFixtures() {
  }

  /** The last path segment of every SockJS request the page made ({@code xhr_streaming}, {@code xhr_send}, ...). */
  static Set<String> sockJsRequests(Chromium chrome) throws Exception {
    Object names = chrome.eval("performance.getEntriesByType('resource').map(e => e.name)"
        + ".filter(n => n.includes('/eventbus/')).map(n => n.split('?')[0].split('/').pop()).join(',')");
    return Set.copyOf(List.of(String.valueOf(names).split(",")));
  }

  /** Publishes {@code {"i": i}} to a user through a node's HTTP door (MetricsTest's API key) and expects 202. */
  static void publish(int port, String user, int i) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/messages"))
        .header("Authorization", "Bearer " + MetricsTest.API_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("payload", new JsonObject().put("i", i)).encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  /** An {@link #upgradeRefusingProxy(Vertx, int, int)} on any free port. */
  static HttpServer upgradeRefusingProxy(Vertx vertx, int target) throws Exception {
    return upgradeRefusingProxy(vertx, 0, target);
  }

  /**
   * An HTTP/1.1 reverse proxy on {@code port} to {@code target} that answers every WebSocket upgrade 403, as some
   * corporate proxies do, and streams everything else through (SockJS's streaming transports need the response body as
   * it comes). The target need not listen yet: each request connects on its own.
   */
  static HttpServer upgradeRefusingProxy(Vertx vertx, int port, int target) throws Exception {
    HttpClient client = vertx.createHttpClient();
    return vertx.createHttpServer().requestHandler(req -> {
      if ("websocket".equalsIgnoreCase(req.getHeader(HttpHeaders.UPGRADE))) {
        req.response().setStatusCode(403).end("WebSocket is not allowed here");
        return;
      }
      forward(client, target, req);
    }).listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
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
