package io.vpush.store.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vpush.store.Accepted;
import io.vpush.store.NewMessage;
import io.vpush.store.Store;
import io.vpush.store.StoreContractTest;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisCluster;
import io.vpush.testing.RedisServer;
import io.vpush.time.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis engine on a private three-master Redis Cluster, against the store contract. */
@NeedsRedis
class RedisClusterStoreTest extends StoreContractTest {

  private static RedisCluster cluster;
  private static Vertx vertx;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start();
    System.out.println("redis cluster fixture started in " + cluster.startMillis() + " ms");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (vertx != null) await(vertx.close());
    if (cluster != null) cluster.stop();
  }

  @Override
  protected Store createStore(ManualClock clock, int inboxCap, long ttlSeconds) throws Exception {
    RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
    cluster.urls().forEach(options::addConnectionString);
    return await(RedisStore.connect(vertx, options, 3, 5_000, clock, inboxCap, ttlSeconds));
  }

  @Override
  protected Store peerOf(Store store, ManualClock clock, int inboxCap, long ttlSeconds) throws Exception {
    return createStore(clock, inboxCap, ttlSeconds);
  }

  @Override
  protected void reset() {
    cluster.flush();
  }

  @Test
  void usersSpreadOverAllMastersAndBatchesCrossSlots() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      List<NewMessage> batch = IntStream.range(0, 60)
          .mapToObj(i -> new NewMessage("m", "user" + i, clock.nowMs(), 0, "{}", List.of())).toList();
      List<Accepted> out = await(s.acceptAll(batch));
      assertThat(out).allMatch(a -> a.message().seq() == 1 && !a.duplicate());
      for (RedisServer node : cluster.nodes()) {
        assertThat(Long.parseLong(node.call("DBSIZE"))).as(node.url()).isPositive();
      }
      // A master that never saw the script (flushed) still accepts: EVALSHA falls back to EVAL.
      cluster.flush();
      assertThat(await(s.acceptAll(batch))).allMatch(a -> a.message().seq() == 1);
    } finally {
      await(s.close());
    }
  }
}
