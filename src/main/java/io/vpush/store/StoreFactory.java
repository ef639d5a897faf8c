package io.vpush.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vpush.config.ConfigException;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.store.memory.MemoryStore;
import io.vpush.store.redis.RedisStore;
import io.vpush.time.Clock;

/** Builds the configured store engine ({@code store: memory | redis}) and checks it answers before vpush starts. */
public final class StoreFactory {

  private static final long REDIS_TIMEOUT_MS = 5_000;

  private StoreFactory() {}

  public static Future<Store> create(Vertx vertx, VPushConfig config, Clock clock) {
    int cap = config.get(Settings.INBOX_CAP);
    long ttl = config.get(Settings.INBOX_TTL_SECONDS);
    if ("memory".equals(config.get(Settings.STORE))) return Future.succeededFuture(new MemoryStore(clock, cap, ttl));

    RedisOptions options = new RedisOptions().setType(switch (config.get(Settings.REDIS_MODE)) {
      case "cluster" -> RedisClientType.CLUSTER;
      case "sentinel" -> RedisClientType.SENTINEL;
      default -> RedisClientType.STANDALONE;
    });
    for (String url : config.get(Settings.REDIS_URL)) options.addConnectionString(url);
    if (options.getType() == RedisClientType.SENTINEL) options.setMasterName(config.get(Settings.REDIS_MASTER_NAME));
    String urls = String.join(",", config.get(Settings.REDIS_URL));
    return RedisStore.connect(vertx, options, config.get(Settings.REDIS_POOL_SIZE), REDIS_TIMEOUT_MS, clock, cap, ttl)
        .<Store>map(s -> s)
        .recover(e -> Future.failedFuture(new ConfigException("config error: 'redis.url' (" + urls + ", from "
            + config.source(Settings.REDIS_URL) + "): cannot reach Redis in " + config.get(Settings.REDIS_MODE) + " mode: " + e.getMessage())));
  }
}
