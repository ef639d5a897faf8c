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
  void aKickReachesAnXhrPollingClientBeforeItsSessionCloses() {
    // No poll outstanding when the kick comes: the frame waits in the SockJS session for the next poll, and the close
    // must not drop it (vertx-web's close() clears what was not polled yet).
    String user = TestNode.freshUser("kick");
    String base = registeredOverXhr(user, "k1");
    assertThat(node.delete("/api/v1/users/" + user + "/connections?clientId=k1").json().getInteger("kicked")).isEqualTo(1);
    String next = post(base + "xhr", null).body();
    assertThat(next).as("the poll after the kick").startsWith("a").contains("kicked");
    assertThat(post(base + "xhr", null).body()).as("then the close").startsWith("c[");
  }

  @Test
  void aKickReachesAnXhrPollThatIsOpenWhenItComes() {
    // Polled, then kicked at once: the kick usually finds the poll open (the frame leaves from another event loop than
    // the poll's); in whichever order they land, the client must see the kick before the close.
    String user = TestNode.freshUser("kickp");
    String base = registeredOverXhr(user, "k2");
    io.vertx.core.Future<String> polls = node.vertx().executeBlocking(() -> pollsUntilClose(base));
    assertThat(node.delete("/api/v1/users/" + user + "/connections?clientId=k2").json().getInteger("kicked")).isEqualTo(1);
    String seen = await(polls);
    assertThat(seen).as("the polls until the close").contains("kicked");
    assertThat(seen.indexOf("kicked")).isLessThan(seen.indexOf("c["));
  }

  /** Polls until the session's close frame; returns every poll's answer, in order. */
  private static String pollsUntilClose(String base) {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      String body = post(base + "xhr", null).body();
      all.append(body);
      if (body.startsWith("c[")) return all.toString();
    }
    throw new AssertionError("no close frame in 10 polls: " + all);
  }

  /** Opens an xhr-polling session and registers the user on it; returns the session's base path. */
  private static String registeredOverXhr(String user, String clientId) {
    String base = "/eventbus/000/" + user.replace("-", "") + "/";
    assertThat(post(base + "xhr", null).body()).startsWith("o");
    String register = new JsonObject().put("type", "register").put("address", "vpush.user." + user)
        .put("headers", new JsonObject().put("token", node.token(user)).put("clientId", clientId)).encode();
    assertThat(post(base + "xhr_send", new JsonArray().add(register).encode()).status()).isEqualTo(204);
    assertThat(post(base + "xhr", null).body()).startsWith("a").contains("registered");
    return base;
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
