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

/** Scheduled messages ({@code deliverAt}, protocol.md section 6): accepted at once, seq given at release. */
class ScheduledIT {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(); // delay.pollMs 20 in TestNode
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void scheduledMessageIsAnsweredWithoutSeqAndArrivesWithTheNextSeqWhenDue() {
    String user = TestNode.freshUser("sched");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      assertThat(node.publishTo(user, "now-1")).isEqualTo(1L);
      long due = System.currentTimeMillis() + 300;
      Response r = node.publish(new JsonObject().put("user", user).put("payload", "later").put("id", "sched-1").put("deliverAt", due));
      assertThat(r.status()).isEqualTo(202);
      assertThat(r.json()).isEqualTo(new JsonObject().put("id", "sched-1").put("deliverAt", due));
      // Published after it but due at once: it takes seq 2, the scheduled one is not behind it.
      assertThat(node.publishTo(user, "now-2")).isEqualTo(2L);

      List<JsonObject> got = c.messages(3, WAIT);
      assertThat(got).extracting(f -> f.getValue("body")).containsExactly("now-1", "now-2", "later");
      JsonObject later = got.get(2);
      assertThat(WsTestClient.seq(later)).isEqualTo(3L);
      assertThat(WsTestClient.id(later)).isEqualTo("sched-1");
      // Not released before it was due: its ts is the release time.
      assertThat(Long.parseLong(later.getJsonObject("headers").getString("ts"))).isGreaterThanOrEqualTo(due);
    }
  }

  @Test
  void scheduledForSeveralUsersAnswersResultsWithoutSeq() {
    String u1 = TestNode.freshUser("sched-a");
    String u2 = TestNode.freshUser("sched-b");
    // A request first, so the HTTP connection is open and the publish is not late for its own deliverAt.
    assertThat(node.get("/api/v1/users/" + u1).status()).isEqualTo(200);
    long due = System.currentTimeMillis() + 500;
    Response r = node.publish(new JsonObject().put("users", new JsonArray().add(u1).add(u2)).put("payload", "x").put("deliverAt", due));
    assertThat(r.status()).isEqualTo(202);
    JsonArray results = r.json().getJsonArray("results");
    assertThat(results).hasSize(2);
    for (Object o : results) {
      JsonObject res = (JsonObject) o;
      assertThat(res.containsKey("seq")).isFalse();
      assertThat(res.getLong("deliverAt")).isEqualTo(due);
    }
    // Connected before or after the release, the client gets it as seq 1.
    try (WsTestClient c = node.connectAs(u2, Map.of())) {
      JsonObject m = c.next(WAIT);
      assertThat(WsTestClient.seq(m)).isEqualTo(1L);
      assertThat(m.getString("body")).isEqualTo("x");
    }
  }
}
