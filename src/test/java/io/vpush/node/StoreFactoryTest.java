package io.vpush.node;

import io.vpush.store.StoredMessage;
import io.vpush.store.StoreUnavailableException;
import io.vpush.store.Store;
import io.vpush.store.NewMessage;
import io.vertx.core.Vertx;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.store.memory.MemoryStore;
import io.vpush.store.redis.RedisStore;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.time.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store chosen from configuration, and the startup failure when Redis cannot be reached. */
@NeedsRedis
class StoreFactoryTest {

  private static RedisServer redis;
  private static Vertx vertx;
  private final ManualClock clock = new ManualClock(1_000_000);

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.stop();
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void defaultIsMemoryWithConfiguredCap() throws Exception {
    Store s = await(StoreFactory.create(vertx, VPushConfig.defaults().with(Settings.INBOX_CAP, 2), clock));
    assertThat(s).isInstanceOf(MemoryStore.class);
    for (int i = 1; i <= 3; i++) await(s.accept(new NewMessage("m" + i, "u", 1_000_000, 0, "{}", List.of())));
    assertThat(await(s.read("u", 0, 10)).messages()).hasSize(2);
  }

  @Test
  void redisStandaloneFromUrl() throws Exception {
    Map<Setting<?>, Object> cfg = Map.of(Settings.STORE, "redis", Settings.REDIS_URL, List.of(redis.url()),
        Settings.INBOX_TTL_SECONDS, 10L);
    Store s = await(StoreFactory.create(vertx, VPushConfig.defaults().with(cfg, "test"), clock));
    try {
      assertThat(s).isInstanceOf(RedisStore.class);
      StoredMessage m = await(s.accept(new NewMessage("m", "u", 1_000_000, 0, "{}", List.of()))).message();
      assertThat(m.expiresAt()).isEqualTo(1_000_000 + 10_000);
    } finally {
      await(s.close());
      redis.flush();
    }
  }

  @Test
  void unreachableRedisNamesTheSettingAndUrl() {
    Map<Setting<?>, Object> cfg = Map.of(Settings.STORE, "redis", Settings.REDIS_URL, List.of("redis://127.0.0.1:1"));
    assertThatThrownBy(() -> await(StoreFactory.create(vertx, VPushConfig.defaults().with(cfg, "test"), clock)))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("redis.url=redis://127.0.0.1:1");
  }
}
