package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.TestNode;
import io.vpush.testing.TestNode.Response;
import io.vpush.testing.WsTestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replacing connections of the same client and the admin API over real sockets (protocol.md sections 5 and 10). */
class AdminApiIT {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void connectListsThisNodesClientUrlsWithoutAKeyAndCacheable() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + node.port() + "/api/v1/connect";
    java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=5");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as("readable by a browser SDK on another origin").hasValue("*");
    JsonArray nodes = new JsonObject(r.body()).getJsonArray("nodes");
    assertThat(nodes).hasSize(1);
    JsonObject self = nodes.getJsonObject(0);
    assertThat(self.getString("id")).isEqualTo(node.node().nodeId());
    assertThat(self.getString("websocket")).isEqualTo("ws://127.0.0.1:" + node.port() + "/eventbus/websocket");
    assertThat(self.getString("sockjs")).isEqualTo("http://127.0.0.1:" + node.port() + "/eventbus");
    assertThat(self.getDouble("load")).isNotNegative();

    java.net.http.HttpResponse<String> mine = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "?user=alice")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(mine.headers().firstValue("Cache-Control")).as("a user's answer is not for shared caches").hasValue("private, max-age=5");
    java.net.http.HttpResponse<String> tooLong = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(base + "?user=" + "u".repeat(300))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(tooLong.body()).getString("error")).isEqualTo("bad_request");
  }

  @Test
  void sameClientIdReconnectingKicksTheOldConnection() {
    String user = TestNode.freshUser("replace");
    try (WsTestClient old = node.connectAs(user, Map.of("clientId", "tablet"));
         WsTestClient fresh = node.connectAs(user, Map.of("clientId", "tablet"))) {
      JsonObject kicked = old.next(WAIT);
      assertThat(WsTestClient.isControl(kicked, "kicked")).as("%s", kicked).isTrue();
      assertThat(kicked.getString("address")).isEqualTo("vpush.user." + user);
      assertThat(old.awaitClose(WAIT)).isEqualTo((short) 4003);
      long seq = node.publishTo(user, "to-the-new-one");
      assertThat(WsTestClient.seq(fresh.next(WAIT))).isEqualTo(seq);
      JsonObject state = node.get("/api/v1/users/" + user).json();
      assertThat(state.getBoolean("online")).isTrue();
      assertThat(state.getJsonArray("connections")).hasSize(1);
    }
  }

  @Test
  void getUserShowsOnlineLastSeqAndConnections() {
    String user = TestNode.freshUser("state");
    JsonObject unknown = node.get("/api/v1/users/" + user).json();
    assertThat(unknown.getBoolean("online")).isFalse();
    assertThat(unknown.getLong("lastSeq")).isZero();
    assertThat(unknown.getJsonArray("connections")).isEmpty();
    node.publishTo(user, "one");
    node.publishTo(user, "two");
    try (WsTestClient pc = node.connectAs(user, Map.of("clientId", "desk", "device", "pc"));
         WsTestClient mobile = node.connectAs(user, Map.of("clientId", "phone", "device", "mobile"))) {
      Response r = node.get("/api/v1/users/" + user);
      assertThat(r.status()).isEqualTo(200);
      JsonObject state = r.json();
      assertThat(state.getBoolean("online")).isTrue();
      assertThat(state.getLong("lastSeq")).isEqualTo(2L);
      JsonArray conns = state.getJsonArray("connections");
      assertThat(conns).hasSize(2);
      List<JsonObject> list = conns.stream().map(o -> (JsonObject) o).toList();
      assertThat(list).extracting(o -> o.getString("clientId")).containsExactlyInAnyOrder("desk", "phone");
      assertThat(list).extracting(o -> o.getString("device")).containsExactlyInAnyOrder("pc", "mobile");
      assertThat(list).extracting(o -> o.getString("node")).containsOnly(node.node().nodeId());
      assertThat(list).allSatisfy(o -> assertThat(o.getLong("since")).isPositive());
    }
    // The seq counter outlives the connections.
    JsonObject after = node.get("/api/v1/users/" + user).json();
    assertThat(after.getLong("lastSeq")).isEqualTo(2L);
  }

  @Test
  void deleteConnectionsKicksAllOrOneClient() {
    String user = TestNode.freshUser("kick");
    try (WsTestClient a = node.connectAs(user, Map.of("clientId", "a"));
         WsTestClient b = node.connectAs(user, Map.of("clientId", "b"));
         WsTestClient c = node.connectAs(user, Map.of("clientId", "c"))) {
      Response one = node.delete("/api/v1/users/" + user + "/connections?clientId=a");
      assertThat(one.status()).isEqualTo(200);
      assertThat(one.json().getInteger("kicked")).isEqualTo(1);
      assertThat(WsTestClient.isControl(a.next(WAIT), "kicked")).isTrue();
      assertThat(a.awaitClose(WAIT)).isEqualTo((short) 4003);
      // b and c were not kicked: they still get messages.
      long seq = node.publishTo(user, "still");
      assertThat(WsTestClient.seq(b.next(WAIT))).isEqualTo(seq);
      assertThat(WsTestClient.seq(c.next(WAIT))).isEqualTo(seq);

      Response all = node.delete("/api/v1/users/" + user + "/connections");
      assertThat(all.status()).isEqualTo(200);
      assertThat(all.json().getInteger("kicked")).isEqualTo(2);
      for (WsTestClient k : List.of(b, c)) {
        assertThat(WsTestClient.isControl(k.next(WAIT), "kicked")).isTrue();
        assertThat(k.awaitClose(WAIT)).isEqualTo((short) 4003);
      }
    }
    assertThat(node.get("/api/v1/users/" + user).json().getBoolean("online")).isFalse();
    assertThat(node.delete("/api/v1/users/" + user + "/connections").json().getInteger("kicked")).isZero();
  }

  @Test
  void adminApiNeedsTheKey() {
    String user = TestNode.freshUser("nokey");
    Response r = WsTestClient.await(node.request(io.vertx.core.http.HttpMethod.GET, "/api/v1/users/" + user, null, null));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().getString("error")).isEqualTo("unauthorized");
    Response wrong = WsTestClient.await(node.request(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/users/" + user + "/connections", null, "wrong"));
    assertThat(wrong.status()).isEqualTo(401);
  }
}
