package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: a publish answered 503 after the Redis command timeout may still be stored once Redis resumes (the command
 * was already on its way). That is allowed: a 503 means unknown. The publisher's retry with the same id answers that
 * first acceptance as a duplicate, and the user's client gets each message exactly once.
 */
class PublishTimeoutIT {

  private static final int N = 8;

  @Test
  void aPublishAnswered503IsRetriedWithItsIdAndArrivesExactlyOnce() throws Exception {
    try (RedisServer redis = RedisServer.start();
         TestNode node = TestNode.start(Map.<Setting<?>, Object>of(Settings.STORE, "redis",
             Settings.REDIS_URL, List.of(redis.url()), Settings.REDIS_COMMAND_TIMEOUT_MS, 300,
             Settings.ACK_TIMEOUT_MS, 600_000))) {
      String user = TestNode.freshUser("timeout");
      try (WsTestClient c = node.connectAs(user, Map.of("clientId", "app-1"))) {
        List<Future<TestNode.Response>> first = new ArrayList<>();
        redis.pause();
        try {
          for (int i = 0; i < N; i++) first.add(node.publishAsync(message(user, i)));
          for (Future<TestNode.Response> f : first) {
            TestNode.Response r = WsTestClient.await(f);
            assertThat(r.status()).as("%s", r).isEqualTo(503);
            assertThat(r.json().getString("error")).isEqualTo("unavailable");
          }
        } finally {
          redis.resume();
        }

        // The refused publishes were on their way to Redis when it froze: it runs them once it resumes.
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!String.valueOf(N).equals(redis.call("HGET", "{u:" + user + "}:meta", "seq"))) {
          assertThat(System.currentTimeMillis()).as("Redis ran the refused publishes").isLessThan(deadline);
          Thread.sleep(20);
        }

        // The publisher retries each with its id: answered as the first acceptance, a duplicate with its seq.
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < N; i++) {
          TestNode.Response r = node.publish(message(user, i));
          assertThat(r.status()).as("%s", r).isEqualTo(202);
          assertThat(r.json().getBoolean("duplicate")).as("%s", r.json()).isTrue();
          assertThat(r.json().getString("id")).isEqualTo("order-" + i);
          seqs.add(r.json().getLong("seq"));
        }
        assertThat(seqs).doesNotHaveDuplicates().allMatch(s -> s >= 1 && s <= N);

        // Each arrives once: everything up to a last message, published after the retries, holds each id once.
        node.publishTo(user, "last");
        List<JsonObject> got = c.framesUntil(f -> "last".equals(f.getValue("body")), WAIT);
        List<String> ids = got.stream().filter(f -> WsTestClient.seq(f) >= 0).map(WsTestClient::id).toList();
        assertThat(ids.subList(0, ids.size() - 1)).containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.range(0, N).mapToObj(i -> "order-" + i).toList());
      }
    }
  }

  private static JsonObject message(String user, int i) {
    return new JsonObject().put("user", user).put("id", "order-" + i).put("payload", new JsonObject().put("n", i));
  }
}
