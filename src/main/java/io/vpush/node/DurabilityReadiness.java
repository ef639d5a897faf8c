package io.vpush.node;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vpush.store.Store;
import io.vpush.store.redis.RedisDurability;
import io.vpush.store.redis.RedisStore;

/**
 * The {@code store-durability} readiness check of a node at {@code store.durability=replicated}: DOWN while Redis
 * reports fewer online replicas than {@code store.replicas} (publishes are answered 503 then, so new clients and
 * publishers are better sent elsewhere), UP with the counts otherwise. Asks Redis on each probe (INFO replication).
 */
final class DurabilityReadiness {

  private final RedisStore store;

  private DurabilityReadiness(RedisStore store) {
    this.store = store;
  }

  /** Registers the check when {@code store} is a Redis store whose level waits for replicas; other levels need none. */
  static void registerIfReplicated(Store store, HealthChecks checks) {
    if (store instanceof RedisStore redis && redis.durability().level() == RedisDurability.Level.REPLICATED) {
      DurabilityReadiness check = new DurabilityReadiness(redis);
      checks.register("store-durability", redis.durability().timeoutMs() + 2_000L, promise ->
          check.status().onComplete(promise));
    }
  }

  private Future<Status> status() {
    RedisDurability d = store.durability();
    return store.persistence().map(found -> {
      JsonObject data = new JsonObject().put("durability", d.value()).put("replicasNeeded", d.replicas())
          .put("replicasOnline", found.onlineReplicas());
      String unmet = d.unmet(found);
      return unmet == null ? Status.OK(data) : Status.KO(data.put("error", unmet));
    });
  }
}
