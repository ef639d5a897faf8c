package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A register while Redis is frozen (SIGSTOP) on a Redis-engine node: the first catch-up read fails, the client gets
 * {@code err unavailable} and keeps its connection, and once Redis is back a register on the same connection succeeds.
 */
class RegisterOutageIT {

  /** The failed register answers after the store's command timeout, set short here. */
  private static final Duration OUTAGE_WAIT = Duration.ofSeconds(30);

  @Test
  void registerDuringAnOutageRollsBackAndTheSameConnectionRegistersAfterIt() throws Exception {
    try (RedisServer redis = RedisServer.start();
         TestNode node = TestNode.start(Map.of(Settings.STORE, "redis", Settings.REDIS_URL, List.of(redis.url()),
             Settings.REDIS_COMMAND_TIMEOUT_MS, 500))) {
      BlockingQueue<JsonObject> presence = new LinkedBlockingQueue<>();
      node.vertx().eventBus().<JsonObject>consumer(EventBusUpstream.PRESENCE_ADDRESS, m -> presence.add(m.body()));
      String user = TestNode.freshUser("outage");
      for (int i = 1; i <= 3; i++) node.publishTo(user, "m" + i);
      String token = node.token(user);
      // With lastSeq given there is no cursor read: the first catch-up read is the register's only store read.
      Map<String, String> headers = Map.of("clientId", "app-1", "lastSeq", "1");

      try (WsTestClient c = node.connect()) {
        JsonObject err;
        redis.pause();
        try {
          c.register(user, token, headers);
          err = c.next(OUTAGE_WAIT);
        } finally {
          redis.resume();
        }
        assertThat(WsTestClient.isError(err, "unavailable")).as("%s", err).isTrue();
        assertThat(err.getInteger("failureCode")).isEqualTo(503);
        assertThat(err.getString("address")).isEqualTo("vpush.user." + user);
        c.pingPong(); // still open, and nothing came after the err
        assertThat(node.node().metrics().connectionCount()).as("a failed register is not a connection").isZero();
        assertThat(node.node().shards().holds(user)).as("the failed register left the hub").isFalse();

        // The same connection registers again: registered first, with the user's lastSeq, then the catch-up.
        JsonObject registered = c.registered(user, token, headers);
        assertThat(registered.getLong("lastSeq")).isEqualTo(3L);
        List<JsonObject> caughtUp = c.messages(2, WAIT);
        assertThat(caughtUp).extracting(m -> m.getValue("body")).containsExactly("m2", "m3");
        node.publishTo(user, "live");
        assertThat(c.messages(1, WAIT).get(0).getJsonObject("headers").getString("seq")).isEqualTo("4");
        assertThat(node.node().metrics().connectionCount()).isEqualTo(1);
      }

      // One connect (the register that succeeded), then the disconnect: the failed one announced nothing.
      List<String> events = new ArrayList<>();
      while (!events.contains("disconnect")) {
        JsonObject e = presence.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(e).as("presence events so far %s", events).isNotNull();
        assertThat(e.getString("clientId")).isEqualTo("app-1");
        events.add(e.getString("type"));
      }
      assertThat(events).containsExactly("connect", "disconnect");
    }
  }
}
