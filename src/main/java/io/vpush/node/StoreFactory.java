package io.vpush.node;

import io.vpush.store.StoreUnavailableException;
import io.vpush.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.store.memory.MemoryStore;
import io.vpush.store.redis.RedisDurability;
import io.vpush.store.redis.RedisStore;
import io.vpush.time.Clock;

import java.util.List;

/** Builds the store engine the configuration names ({@code store}: memory or redis). */
public final class StoreFactory {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreFactory.class);

  private StoreFactory() {}

  /**
   * The configured store, ready to use. With {@code store=redis} it has reached Redis (every held connection
   * answered PING and took the scripts); otherwise it fails with a message naming the settings and URL.
   */
  public static Future<Store> create(Vertx vertx, VPushConfig config, Clock clock) {
    int cap = config.get(Settings.INBOX_CAP);
    long ttl = config.get(Settings.INBOX_TTL_SECONDS);
    if ("memory".equals(config.get(Settings.STORE))) {
      return Future.succeededFuture(new MemoryStore(clock, cap, ttl));
    }
    List<String> urls = config.get(Settings.REDIS_URL);
    String mode = config.get(Settings.REDIS_MODE);
    if (urls.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException(Settings.REDIS_URL.key() + " is empty but "
          + Settings.STORE.key() + "=redis"));
    }
    RedisOptions options = redisOptions(urls, mode, config.get(Settings.REDIS_MASTER_NAME))
        .setNetClientOptions(io.vpush.tls.TlsOptions.redis(urls, config)); // rediss://: TLS (redis.tls.*)
    RedisDurability durability = RedisDurability.of(config.get(Settings.STORE_DURABILITY), config.get(Settings.STORE_REPLICAS),
        config.get(Settings.STORE_REPLICA_TIMEOUT_MS));
    return RedisStore.connect(vertx, options, config.get(Settings.REDIS_POOL_SIZE), config.get(Settings.REDIS_COMMAND_TIMEOUT_MS), clock, cap, ttl,
            durability)
        .compose(s -> checkDurability(s, config))
        .<Store>map(s -> s)
        .recover(e -> Future.failedFuture(new StoreUnavailableException(Settings.STORE.key() + "=redis ("
            + Settings.REDIS_URL.key() + "=" + String.join(",", urls) + " from " + config.source(Settings.REDIS_URL)
            + ", " + Settings.REDIS_MODE.key() + "=" + mode + "): " + e.getMessage(), e)));
  }

  /** Logs what Redis says about its persistence, and refuses a level it cannot give (the store is closed then). */
  private static Future<RedisStore> checkDurability(RedisStore store, VPushConfig config) {
    RedisDurability d = store.durability();
    return store.persistence().compose(found -> {
      LOG.info("store durability {}: Redis reports {}", d.value(), found.describe());
      String refusal = d.refusal(found);
      if (refusal == null) {
        String unmet = d.unmet(found);
        if (unmet != null) LOG.warn("store durability {}: {}; publishes are answered 503 until they are", d.value(), unmet);
        return Future.succeededFuture(store);
      }
      return store.close().transform(ignored -> Future.failedFuture(new IllegalStateException("config error: '"
          + Settings.STORE_DURABILITY.key() + "' from " + config.source(Settings.STORE_DURABILITY) + ": " + refusal)));
    });
  }

  /** Client options for a mode: standalone (first URL), cluster (all URLs are seeds), sentinel (URLs are sentinels). */
  static RedisOptions redisOptions(List<String> urls, String mode, String masterName) {
    RedisOptions o = new RedisOptions();
    switch (mode) {
      case "cluster" -> {
        o.setType(RedisClientType.CLUSTER);
        urls.forEach(o::addConnectionString);
      }
      case "sentinel" -> {
        o.setType(RedisClientType.SENTINEL).setMasterName(masterName).setRole(RedisRole.MASTER);
        urls.forEach(o::addConnectionString);
      }
      default -> o.setType(RedisClientType.STANDALONE).setConnectionString(urls.get(0));
    }
    return o;
  }
}
