package io.vpush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vpush.store.NewMessage;
import io.vpush.store.ScheduledMessage;
import io.vpush.store.StoreUnavailableException;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.time.ManualClock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** store.durability against a real redis-server: what it reports, and accepts that WAIT for replicas it has not. */
@NeedsRedis
class RedisDurabilityStoreTest {
  private RedisServer redis;
  private Vertx vertx;
  private final ManualClock clock = new ManualClock(1_000_000);

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    redis.stop();
  }

  private RedisStore store(RedisDurability d) throws Exception {
    RedisOptions o = new RedisOptions().setType(RedisClientType.STANDALONE).setConnectionString(redis.url());
    return RedisStore.connect(vertx, o, 2, 2_000, clock, 100, 60, d).await(10, TimeUnit.SECONDS);
  }

  @Test
  void reportsTheTestServersPersistenceAsItIs() throws Exception {
    RedisPersistence p = store(RedisDurability.MEMORY).persistence().await(10, TimeUnit.SECONDS);
    // The test kit starts redis-server with --appendonly no: fsync would be refused on it.
    assertThat(p.appendonly()).isEqualTo("no");
    assertThat(p.role()).isEqualTo("master");
    assertThat(p.onlineReplicas()).isZero();
    assertThat(RedisDurability.of("fsync", 1, 100).refusal(p)).contains("appendonly no");
  }

  @Test
  void withoutTheReplicasItNeedsAnAcceptAndAScheduleAreUnavailableButTheWriteIsKept() throws Exception {
    RedisStore s = store(RedisDurability.of("replicated", 1, 50));
    NewMessage m = new NewMessage("m-1", "u1", clock.nowMs(), 0, "{}", List.of());
    assertThatThrownBy(() -> s.accept(m).await(10, TimeUnit.SECONDS))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("only 0 of 1 replicas");
    assertThatThrownBy(() -> s.acceptAll(List.of(m, new NewMessage("m-2", "u2", clock.nowMs(), 0, "{}", List.of())))
        .await(10, TimeUnit.SECONDS)).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> s.schedule(new ScheduledMessage(new NewMessage("d-1", "u1", clock.nowMs(), 0, "{}", List.of()),
        clock.nowMs() + 60_000)).await(10, TimeUnit.SECONDS)).isInstanceOf(StoreUnavailableException.class);
    // The message is in the master: a retry with the same id is a duplicate of it, not a second message.
    RedisStore plain = store(RedisDurability.MEMORY);
    assertThat(plain.accept(m).await(10, TimeUnit.SECONDS).duplicate()).isTrue();
    assertThat(plain.lastSeq("u1").await(10, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void memoryAnswersWithoutWaiting() throws Exception {
    RedisStore s = store(RedisDurability.MEMORY);
    assertThat(s.accept(new NewMessage("m-1", "u1", clock.nowMs(), 0, "{}", List.of())).await(10, TimeUnit.SECONDS).message().seq())
        .isEqualTo(1);
  }
}
