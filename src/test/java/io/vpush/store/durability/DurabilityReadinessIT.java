package io.vpush.store.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * At {@code store.durability=replicated}, {@code /health/ready} is DOWN (check {@code store-durability}) while Redis has
 * fewer online replicas than {@code store.replicas}, and publishes are answered 503; UP and 202 once a replica is in
 * sync; DOWN again when the replica dies. Liveness never depends on it.
 */
@NeedsRedis
class DurabilityReadinessIT {

  @Test
  void readyFollowsTheReplicasRedisHasOnline() throws Exception {
    try (RedisServer master = RedisServer.start();
         TestNode node = TestNode.start(Map.<Setting<?>, Object>of(Settings.STORE, "redis",
             Settings.REDIS_URL, List.of(master.url()), Settings.STORE_DURABILITY, "replicated",
             Settings.STORE_REPLICAS, 1, Settings.STORE_REPLICA_TIMEOUT_MS, 200))) {
      String user = TestNode.freshUser("ready");
      TestNode.Response down = node.get("/health/ready");
      assertThat(down.status()).as(down.body()).isEqualTo(503);
      JsonObject check = check(down, "store-durability");
      assertThat(check.getString("status")).isEqualTo("DOWN");
      assertThat(check.getJsonObject("data").getString("error")).contains("0 of the 1 replicas");
      assertThat(node.get("/health/live").status()).isEqualTo(200);
      TestNode.Response refused = node.publish(new JsonObject().put("user", user).put("id", "r-1").put("payload", "x"));
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.json().getString("message")).contains("replicas confirmed");

      try (RedisServer replica = RedisServer.startReplicaOf(master.port())) {
        master.awaitConnectedReplicas(1, Duration.ofSeconds(10));
        TestNode.Response up = node.get("/health/ready");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(check(up, "store-durability").getJsonObject("data").getInteger("replicasOnline")).isEqualTo(1);
        TestNode.Response accepted = node.publish(new JsonObject().put("user", user).put("id", "r-1").put("payload", "x"));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        replica.kill();
        awaitReadyStatus(node, 503);
      }
    }
  }

  /** Polls readiness (the master notices a dead replica when its link closes; there is no event to wait on here). */
  private static void awaitReadyStatus(TestNode node, int status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    TestNode.Response r;
    while ((r = node.get("/health/ready")).status() != status) {
      if (System.nanoTime() > deadline) throw new AssertionError("ready stayed " + r);
      Thread.sleep(50);
    }
  }

  private static JsonObject check(TestNode.Response r, String id) {
    JsonArray checks = new JsonObject(r.body()).getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) return checks.getJsonObject(i);
    }
    throw new AssertionError("no check '" + id + "' in " + r.body());
  }
}
