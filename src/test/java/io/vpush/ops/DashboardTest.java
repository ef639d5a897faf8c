package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.config.VPushConfig;
import io.vpush.testing.NeedsBrowser;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium over the DevTools protocol): the key is typed into the
 * page, the numbers appear, and after known traffic they change.
 */
@NeedsBrowser
class DashboardTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  // Resolves with the page's numbers at the first refresh (vpush:stats event) for which `cond` holds.
  private static final String AWAIT_STATS = """
      new Promise(resolve => {
        const handler = e => {
          const d = e.detail;
          if (!(%s)) return;
          removeEventListener('vpush:stats', handler);
          const row = document.querySelector('#nodes tr[data-node="' + d.nodes[0].id + '"]');
          resolve({
            connections: document.getElementById('c-connections').textContent,
            acceptedRate: document.getElementById('c-accepted-rate').textContent,
            deliveredRate: document.getElementById('c-delivered-rate').textContent,
            latency: document.getElementById('c-latency').textContent,
            lag: document.getElementById('c-lag').textContent,
            row: row ? Array.from(row.cells).map(c => c.textContent) : null,
            updates: Number(document.body.getAttribute('data-updates')),
            points: document.querySelector('#chart-rates polyline').getAttribute('points').split(' ').length,
            keyFormHidden: document.getElementById('key-form').hidden
          });
        };
        addEventListener('vpush:stats', handler);
      })""";

  private static Vertx vertx;
  private static VPushNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = MetricsTest.await(VPushNode.start(vertx, VPushConfig.defaults().with(MetricsTest.base(), "test")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) MetricsTest.await(node.close());
    if (vertx != null) MetricsTest.await(vertx.close());
  }

  @Test
  void showsLiveNumbersAfterTheKeyIsEntered() throws Exception {
    int port = node.httpPort();
    try (Chromium chrome = Chromium.start()) {
      chrome.navigate("http://127.0.0.1:" + port + "/dashboard");
      assertThat(chrome.eval("location.pathname")).isEqualTo("/dashboard/");
      assertThat(chrome.eval("document.getElementById('board').hidden")).isEqualTo(true);

      // A wrong key is refused and the form comes back.
      chrome.eval("document.getElementById('key').focus()");
      chrome.type("wrong-key");
      chrome.eval("""
          new Promise(r => {
            addEventListener('vpush:refused', () => r(true), {once: true});
            document.getElementById('key-submit').click();
          })""");
      assertThat(chrome.eval("document.getElementById('key-error').textContent")).isEqualTo("the API key was refused");
      assertThat(chrome.eval("document.getElementById('key-form').hidden")).isEqualTo(false);

      chrome.eval("document.getElementById('key').focus()");
      chrome.type(MetricsTest.API_KEY);
      chrome.eval("document.getElementById('key-submit').click()");
      JsonObject first = json(chrome.eval(AWAIT_STATS.formatted("true")));
      assertThat(first.getBoolean("keyFormHidden")).isTrue();
      assertThat(first.getString("connections")).isEqualTo("0");
      assertThat(first.getString("lag")).isEqualTo("n/a");
      assertThat(first.getJsonArray("row").getString(0)).isEqualTo(node.nodeId());
      assertThat(chrome.eval("sessionStorage.getItem('vpush.apiKey')")).isEqualTo(MetricsTest.API_KEY);

      // Traffic: one registered client, 5 messages to it.
      WsTestClient client = WsTestClient.connect(vertx, port);
      client.register("dash", MetricsTest.token(vertx, "dash"), Map.of("device", "web", "clientId", "c-web"));
      client.awaitControl("registered", WAIT);
      for (int i = 0; i < 5; i++) publish("dash");
      for (int i = 0; i < 5; i++) client.awaitMessage(WAIT);

      JsonObject after = json(chrome.eval(AWAIT_STATS.formatted("d.cluster.accepted === 5 && d.cluster.delivered === 5")));
      assertThat(after.getString("connections")).isEqualTo("1");
      assertThat(Double.parseDouble(after.getString("acceptedRate"))).isPositive();
      assertThat(Double.parseDouble(after.getString("deliveredRate"))).isPositive();
      assertThat(after.getString("latency")).matches("[0-9.]+ / [0-9.]+");
      assertThat(after.getJsonArray("row").getString(1)).isEqualTo("1");
      assertThat(after.getInteger("updates")).isGreaterThan(first.getInteger("updates"));
      assertThat(after.getInteger("points")).isGreaterThan(1);
      client.close();
    }
  }

  private static JsonObject json(Object value) {
    if (value instanceof JsonObject o) return o;
    throw new AssertionError("expected an object from the page, got " + value);
  }

  private static void publish(String user) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/messages"))
        .header("Authorization", "Bearer " + MetricsTest.API_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("payload", List.of(1)).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }
}
