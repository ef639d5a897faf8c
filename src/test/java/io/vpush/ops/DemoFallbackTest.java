package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vpush.VPushNode;
import io.vpush.config.VPushConfig;
import io.vpush.testing.NeedsBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page (stock SockJS + event-bus bridge client) in headless Chromium receives messages when WebSocket is not
 * there: once with {@code window.WebSocket} removed, once behind an HTTP proxy that refuses every WebSocket upgrade.
 * Either way SockJS falls back to a polling or streaming transport and the page gets its messages by seq.
 */
@NeedsBrowser
class DemoFallbackTest {

  private static Vertx vertx;
  private static VPushNode node;
  private static HttpServer proxy;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = MetricsTest.await(VPushNode.start(vertx, VPushConfig.defaults().with(MetricsTest.base(), "test")));
    proxy = BrowserFixtures.upgradeRefusingProxy(vertx, node.httpPort());
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
      chrome.withoutWebSocket();
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
    assertThat(chrome.eval(Chromium.awaitPage("document.getElementById('status').textContent === 'connected'")))
        .as("registered over SockJS").isEqualTo(true);
    for (int i = 1; i <= 3; i++) BrowserFixtures.publish(node.httpPort(), user, i);
    assertThat(chrome.eval(Chromium.awaitPage("document.querySelectorAll('#messages tr').length === 3"))).isEqualTo(true);
    assertThat(chrome.eval("Array.from(document.querySelectorAll('#messages tr')).map(r => r.cells[0].textContent).join(',')"))
        .as("seqs, newest first").isEqualTo("3,2,1");
    Set<String> requests = BrowserFixtures.sockJsRequests(chrome);
    assertThat(requests).as("SockJS requests of the page: %s", requests)
        .containsAnyElementsOf(BrowserFixtures.SOCKJS_FALLBACKS)
        .doesNotContain("websocket");
  }

}
