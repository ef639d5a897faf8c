package io.vpush.store.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.Deliveries;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code store.durability=fsync} proven by killing Redis: 5,000 publishes while Redis (AOF, {@code appendfsync always})
 * is SIGKILLed mid-stream and restarted from its AOF; every 202'd message reaches its client exactly once by seq after
 * the clients reconnect, and the publishes refused with 503 during the outage, retried with the same id, are not
 * delivered twice. A Redis that does not fsync every write is refused at start.
 */
@NeedsRedis
class FsyncDurabilityIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int USERS = 20;
  private static final int MESSAGES = 5_000;
  private static final int PUBLISHERS = 16;
  private static final int KILL_AFTER = 2_000;
  /** Refusals seen before Redis is started again: the outage is long enough for publishers to hit it repeatedly. */
  private static final int REFUSALS_BEFORE_RESTART = 400;

  @Test
  void every202SurvivesASigkillOfRedisAndIsDeliveredExactlyOnce() throws Exception {
    try (RedisServer redis = RedisServer.startAof();
         TestNode node = TestNode.start(Map.<Setting<?>, Object>of(Settings.STORE, "redis",
             Settings.REDIS_URL, List.of(redis.url()), Settings.STORE_DURABILITY, "fsync",
             Settings.REDIS_COMMAND_TIMEOUT_MS, 500))) {
      List<Deliveries> clients = new ArrayList<>();
      List<WsTestClient> connections = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        Deliveries d = new Deliveries(TestNode.freshUser("fsync" + u), "app");
        clients.add(d);
        connections.add(node.connectAcking(d, WAIT));
      }

      PublishStream stream = new PublishStream(node, clients.stream().map(Deliveries::user).toList(), MESSAGES, PUBLISHERS, "f-");
      stream.awaitAccepted(KILL_AFTER, WAIT);
      long killedAt = System.nanoTime();
      redis.kill();
      stream.awaitRefused(REFUSALS_BEFORE_RESTART, WAIT);
      redis.restart();
      long downMs = (System.nanoTime() - killedAt) / 1_000_000;
      stream.awaitDone(WAIT);

      // The apps reconnect (a connection that survived the outage too) and catch up from their lastSeq.
      connections.forEach(WsTestClient::close);
      connections.clear();
      for (Deliveries d : clients) connections.add(node.connectAcking(d, WAIT));

      int violations = 0;
      for (Deliveries d : clients) {
        Map<Long, Integer> mine = new TreeMap<>();
        stream.acceptedFor(d.user()).forEach((i, seq) -> mine.put(seq, i));
        d.awaitProcessed(mine.size(), WAIT);
        assertThat(d.processed()).as(d.user()).containsExactlyElementsOf(new ArrayList<>(mine.keySet()));
        assertThat(d.problems()).as(d.user()).isEmpty();
        Map<Long, Integer> got = new HashMap<>();
        List<Long> seqs = d.processed();
        List<JsonObject> bodies = d.bodies();
        for (int k = 0; k < seqs.size(); k++) got.put(seqs.get(k), bodies.get(k).getInteger("i"));
        assertThat(got).as("%s: each seq carries the message it was answered for", d.user()).isEqualTo(mine);
        violations += d.duplicates().size();
      }
      connections.forEach(WsTestClient::close);
      System.out.printf("DURABILITY fsync: %d of %d answered 202, Redis down %d ms, %d refusals with 503 (retried), "
          + "%d exactly-once violations%n", stream.accepted(), MESSAGES, downMs, stream.refused(), violations);
      assertThat(violations).isZero();
      assertThat(stream.refused()).isGreaterThanOrEqualTo(REFUSALS_BEFORE_RESTART);
    }
  }

  @Test
  void fsyncIsRefusedAtStartWhenRedisDoesNotFsyncEveryWrite() throws Exception {
    try (RedisServer plain = RedisServer.start()) {
      assertThatThrownBy(() -> TestNode.start(Map.<Setting<?>, Object>of(Settings.STORE, "redis",
          Settings.REDIS_URL, List.of(plain.url()), Settings.STORE_DURABILITY, "fsync")).close())
          .hasStackTraceContaining("store.durability").hasStackTraceContaining("appendonly");
      plain.call("CONFIG", "SET", "appendonly", "yes");
      plain.call("CONFIG", "SET", "appendfsync", "everysec");
      assertThatThrownBy(() -> TestNode.start(Map.<Setting<?>, Object>of(Settings.STORE, "redis",
          Settings.REDIS_URL, List.of(plain.url()), Settings.STORE_DURABILITY, "fsync")).close())
          .hasStackTraceContaining("store.durability").hasStackTraceContaining("appendfsync");
    }
  }
}
