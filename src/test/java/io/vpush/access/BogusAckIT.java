package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: an ack far beyond the user's last seq, over a real socket, must not hide later messages from that clientId
 * once it reconnects without lastSeq (its catch-up starts from the stored cursor). On both store engines.
 */
class BogusAckIT {

  @Test
  void aBogusAckDoesNotHideLaterMessagesOnTheMemoryEngine() {
    try (TestNode node = TestNode.start(Map.of(Settings.ACK_TIMEOUT_MS, 600_000))) {
      bogusAckThenReconnect(node);
    }
  }

  @Test
  void aBogusAckDoesNotHideLaterMessagesOnTheRedisEngine() {
    try (RedisServer redis = RedisServer.start();
         TestNode node = TestNode.start(Map.<Setting<?>, Object>of(Settings.STORE, "redis",
             Settings.REDIS_URL, List.of(redis.url()), Settings.ACK_TIMEOUT_MS, 600_000))) {
      bogusAckThenReconnect(node);
    }
  }

  private static void bogusAckThenReconnect(TestNode node) {
    String user = TestNode.freshUser("bogusack");
    Map<String, String> headers = Map.of("clientId", "app-1");
    node.publishTo(user, "before");
    try (WsTestClient c = node.connectAs(user, headers)) {
      assertThat(c.messages(1, WAIT).get(0).getValue("body")).isEqualTo("before");
      JsonObject answer = c.request("vpush.ack", new JsonObject().put("seq", 1_000_000_000L));
      assertThat(WsTestClient.isError(answer, "unavailable")).as("%s", answer).isFalse();
    }
    // Reconnect without lastSeq: the catch-up starts from the stored cursor, which must not be past seq 1.
    try (WsTestClient c = node.connectAs(user, headers)) {
      node.publishTo(user, "after");
      List<JsonObject> got = c.messages(1, WAIT);
      assertThat(got.get(0).getValue("body")).isEqualTo("after");
      assertThat(WsTestClient.seq(got.get(0))).isEqualTo(2L);
    }
    // And a message published while it is away arrives in the next catch-up.
    node.publishTo(user, "while-away");
    try (WsTestClient c = node.connectAs(user, headers)) {
      assertThat(c.messages(2, WAIT)).extracting(m -> m.getValue("body")).containsExactly("after", "while-away");
    }
  }
}
