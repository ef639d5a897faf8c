package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.FreePorts;
import io.vpush.testing.NeedsBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript SDK (clients/js/src, loaded as plain ES modules with SockJS from its dist script, no bundler) in headless
 * Chromium, on a page of its own origin: each message is handled once and in seq order, acked (the server's cursor
 * reaches the last seq), and a second client on the page resumes from localStorage without a redelivery. Once with
 * {@code window.WebSocket} removed, once behind a proxy that refuses the WebSocket upgrade; the node advertises that
 * proxy, so the SDK's discovery (a cross-origin GET /api/v1/connect) keeps the client behind it.
 */
@NeedsBrowser
class SdkBrowserTest {

  private static final Path SDK = Path.of("clients/js");
  private static final Path SOCKJS = SDK.resolve("node_modules/sockjs-client/dist/sockjs.min.js");
  private static final Pattern MODULE = Pattern.compile("/vpush/([a-z]+\\.js)");
  private static final String CLIENT_ID = "browser";
  private static Vertx vertx;
  private static VPushNode node;
  private static HttpServer proxy;
  private static HttpServer site;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isRegularFile(SOCKJS)) {
      throw new AssertionError(SOCKJS.toAbsolutePath() + " is missing: run `npm ci` in clients/js first (scripts/test.sh does)");
    }
    vertx = Vertx.vertx();
    int nodePort = FreePorts.free();
    proxy = BrowserFixtures.upgradeRefusingProxy(vertx, nodePort);
    Map<Setting<?>, Object> s = new HashMap<>(MetricsTest.base());
    s.put(Settings.HTTP_PORT, nodePort);
    s.put(Settings.ADVERTISED_URL, "ws://127.0.0.1:" + proxy.actualPort() + "/eventbus/websocket");
    node = MetricsTest.await(VPushNode.start(vertx, VPushConfig.defaults().with(s, "test")));
    site = vertx.createHttpServer().requestHandler(SdkBrowserTest::serve).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (site != null) MetricsTest.await(site.close());
    if (proxy != null) MetricsTest.await(proxy.close());
    if (node != null) MetricsTest.await(node.close());
    if (vertx != null) MetricsTest.await(vertx.close());
  }

  @Test
  void withoutWebSocketInThePageTheSdkDeliversOnceInOrderAndAcks() throws Exception {
    try (Chromium chrome = Chromium.start()) {
      chrome.withoutWebSocket();
      // Straight to the node (discover off: discovery would name the proxy the node advertises).
      String url = "http://127.0.0.1:" + node.httpPort();
      String connected = deliversOnceInOrderAndAcks(chrome, url, "{discover: false}", "sdk-nows");
      assertThat(connected).isEqualTo(url);
    }
  }

  @Test
  void behindAProxyThatRefusesWebSocketUpgradesTheSdkDeliversOnceInOrderAndAcks() throws Exception {
    try (Chromium chrome = Chromium.start()) {
      assertThat(chrome.eval("typeof WebSocket")).as("the page has WebSocket: the proxy is what refuses it").isEqualTo("function");
      String base = "http://127.0.0.1:" + proxy.actualPort();
      String connected = deliversOnceInOrderAndAcks(chrome, base, "{}", "sdk-proxied");
      assertThat(connected).as("the sockjs URL /api/v1/connect named, not the configured one").isEqualTo(base + "/eventbus");
      assertThat(chrome.eval("vp.discovered.length > 0")).isEqualTo(true);
    }
  }

  /** Runs a client, then a second one that resumes from localStorage; returns the URL the first one connected to. */
  private String deliversOnceInOrderAndAcks(Chromium chrome, String url, String options, String userPrefix) throws Exception {
    String user = userPrefix + "-" + System.nanoTime();
    String token = MetricsTest.token(vertx, user);
    chrome.navigate("http://127.0.0.1:" + site.actualPort() + "/");
    assertThat(chrome.eval(Chromium.awaitPage("window.vpReady === true"))).as("the SDK loaded").isEqualTo(true);
    String start = "startClient('%s', '%s', %s)".formatted(url, token, options);
    assertThat(chrome.eval(start)).as("registered").isEqualTo("connected");
    String connected = String.valueOf(chrome.eval("vp.urls[0]"));

    for (int i = 1; i <= 3; i++) BrowserFixtures.publish(node.httpPort(), user, i);
    assertThat(chrome.eval(Chromium.awaitPage("vp.seqs.length >= 3 && vp.acks.includes(3)"))).as("three handled and acked").isEqualTo(true);
    assertThat(awaitCursor(user, 3)).as("the server's cursor for the client").isEqualTo(3);

    assertThat(chrome.eval("stopClient()")).isEqualTo("closed");
    for (int i = 4; i <= 5; i++) BrowserFixtures.publish(node.httpPort(), user, i);
    assertThat(chrome.eval(start)).as("registered again").isEqualTo("connected");
    assertThat(chrome.eval(Chromium.awaitPage("vp.seqs.length >= 5 && vp.acks.includes(5)"))).as("the catch-up handled and acked").isEqualTo(true);
    assertThat(chrome.eval("vp.seqs.join(',')")).as("each seq once, in order").isEqualTo("1,2,3,4,5");
    assertThat(chrome.eval("localStorage.getItem('vpush.lastSeq.%s.%s')".formatted(user, CLIENT_ID))).isEqualTo("5");
    assertThat(awaitCursor(user, 5)).isEqualTo(5);
    assertThat(chrome.eval("vp.errors.join('; ')")).as("no error on the page").isEqualTo("");

    Set<String> requests = BrowserFixtures.sockJsRequests(chrome);
    assertThat(requests).as("SockJS requests of the page: %s", requests)
        .containsAnyElementsOf(BrowserFixtures.SOCKJS_FALLBACKS)
        .doesNotContain("websocket");
    assertThat(chrome.eval("stopClient()")).isEqualTo("closed");
    return connected;
  }

  // The page's 'ack' event fires when the ack frame leaves the browser; the node stores the cursor a moment later
  // (its ack batching). Polled with a deadline: the store has no event to await. Returns the last value read.
  private static long awaitCursor(String user, long expected) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    long seen;
    do {
      seen = MetricsTest.await(node.store().cursor(user, CLIENT_ID));
      if (seen == expected) return seen;
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return seen;
  }

  /** The test page, the SDK's modules and SockJS's dist script; nothing else (404). */
  private static void serve(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/")) {
      req.response().putHeader("content-type", "text/html; charset=utf-8").end(PAGE);
      return;
    }
    if (path.equals("/sockjs.min.js")) {
      req.response().putHeader("content-type", "text/javascript").sendFile(SOCKJS.toString());
      return;
    }
    var m = MODULE.matcher(path);
    if (m.matches() && Files.isRegularFile(SDK.resolve("src").resolve(m.group(1)))) {
      req.response().putHeader("content-type", "text/javascript").sendFile(SDK.resolve("src").resolve(m.group(1)).toString());
      return;
    }
    req.response().setStatusCode(404).end();
  }

  /** A page as README's "In a browser" loads the SDK: SockJS's script, then the SDK's ES modules. */
  private static final String PAGE = """
      <!doctype html>
      <meta charset="utf-8">
      <title>vpush SDK</title>
      <script src="/sockjs.min.js"></script>
      <script type="module">
        import { VPushClient } from '/vpush/index.js';
        const vp = window.vp = { seqs: [], acks: [], urls: [], errors: [], discovered: [] };
        window.startClient = async (url, token, options) => {
          const c = new VPushClient({ url, token: async () => token, clientId: '%s', ackIntervalMs: 50, ...options });
          c.on('message', (m) => { vp.seqs.push(m.seq); });
          c.on('ack', (seq) => vp.acks.push(seq));
          c.on('state', (s, info) => { if (s === 'connected') vp.urls.push(info.url); });
          c.on('error', (e) => vp.errors.push(String(e && e.message)));
          c.on('discovered', (d) => vp.discovered.push(d.urls));
          window.client = c;
          await c.connect();
          return c.state;
        };
        window.stopClient = async () => { await window.client.close(); return window.client.state; };
        window.vpReady = true;
      </script>
      """.formatted(CLIENT_ID);
}
