package io.vpush.access;

import static io.vpush.testing.WsTestClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.TestNode;
import io.vpush.testing.TestNode.Response;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SockJS's polling transports over plain HTTP: a client whose WebSocket is blocked can send. */
class SockJsPollingIT {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  private static Response post(String path, String body) {
    // A connection per request, as a browser's xhr polling does: the SockJS handler ends a poll's connection.
    io.vertx.core.http.HttpClient http = node.vertx().createHttpClient(
        new io.vertx.core.http.HttpClientOptions().setKeepAlive(false).setDefaultPort(node.port()).setDefaultHost("127.0.0.1"));
    try {
      return await(http.request(HttpMethod.POST, path).compose(req -> {
        if (body != null) req.putHeader("content-type", "application/json");
        return (body == null ? req.send() : req.send(Buffer.buffer(body)))
            .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString())));
      }));
    } finally {
      http.close();
    }
  }

  @Test
  void anXhrPollingClientRegistersReceivesAndAcks() {
    String user = TestNode.freshUser("xhr");
    String base = "/eventbus/000/" + user.replace("-", "") + "/";
    assertThat(post(base + "xhr", null).body()).startsWith("o");
    String register = new JsonObject().put("type", "register").put("address", "vpush.user." + user)
        .put("headers", new JsonObject().put("token", node.token(user))).encode();
    Response sent = post(base + "xhr_send", new JsonArray().add(register).encode());
    assertThat(sent.status()).as("%s", sent).isEqualTo(204);
    String registered = post(base + "xhr", null).body();
    assertThat(registered).startsWith("a").contains("registered");

    long seq = node.publishTo(user, "over-xhr");
    String got = post(base + "xhr", null).body();
    assertThat(got).contains("over-xhr");
    String ack = new JsonObject().put("type", "send").put("address", "vpush.ack").put("replyAddress", "r-1")
        .put("body", new JsonObject().put("seq", seq)).encode();
    assertThat(post(base + "xhr_send", new JsonArray().add(ack).encode()).status()).isEqualTo(204);
    assertThat(post(base + "xhr", null).body()).contains("r-1").contains("\\\"ok\\\":true");
  }

  @Test
  void anXhrSendLargerThanTheFrameLimitIs413() {
    String user = TestNode.freshUser("big");
    String base = "/eventbus/000/" + user.replace("-", "") + "/";
    assertThat(post(base + "xhr", null).body()).startsWith("o");
    Response r = post(base + "xhr_send", "[\"" + "x".repeat(10 * 1024 * 1024) + "\"]");
    assertThat(r.status()).as("%s", r.body()).isEqualTo(413);
  }
}
