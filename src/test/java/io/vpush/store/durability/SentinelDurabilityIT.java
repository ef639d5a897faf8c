package io.vpush.store.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.Deliveries;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisSentinels;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TcpProxy;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Sentinel failover under load, at {@code store.durability=replicated} and at {@code memory}: one master, two
 * replicas reached through proxies, three sentinels; 5,000 publishes; mid-stream replication stalls for
 * {@value #LAG_MS} ms (a replica link that lags, as under a burst) and the master is SIGKILLed; Sentinel promotes a
 * replica and vpush follows it. At {@code replicated} every 202'd message is still in the store and reaches its client
 * exactly once in seq order; at {@code memory} the test prints how many 202'd messages the failover lost.
 */
@NeedsRedis
class SentinelDurabilityIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int USERS = 20;
  private static final int MESSAGES = 5_000;
  private static final int PUBLISHERS = 16;
  private static final int KILL_AFTER = 2_000;
  /** How far replication falls behind before the master dies: the scenario's lag, not a wait for an event. */
  private static final long LAG_MS = 500;

  @ParameterizedTest
  @ValueSource(strings = {"replicated", "memory"})
  void aFailoverLosesNo202AtReplicatedAndCountsWhatMemoryLoses(String level) throws Exception {
    try (RedisServer master = RedisServer.start();
         TcpProxy link1 = new TcpProxy(master.port());
         TcpProxy link2 = new TcpProxy(master.port());
         RedisServer replica1 = RedisServer.startReplicaOf(link1.port());
         RedisServer replica2 = RedisServer.startReplicaOf(link2.port())) {
      master.awaitConnectedReplicas(2, Duration.ofSeconds(20));
      try (RedisSentinels sentinels = RedisSentinels.start(master, "vpush");
           TestNode node = TestNode.start(Map.<Setting<?>, Object>of(Settings.STORE, "redis",
               Settings.REDIS_MODE, "sentinel", Settings.REDIS_URL, sentinels.urls(), Settings.REDIS_MASTER_NAME, "vpush",
               Settings.STORE_DURABILITY, level, Settings.STORE_REPLICAS, 1, Settings.STORE_REPLICA_TIMEOUT_MS, 500,
               Settings.REDIS_COMMAND_TIMEOUT_MS, 1_000))) {
        List<Deliveries> clients = new ArrayList<>();
        List<WsTestClient> connections = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
          Deliveries d = new Deliveries(TestNode.freshUser(level + "-sentinel" + u), "app");
          clients.add(d);
          connections.add(node.connectAcking(d, WAIT));
        }

        PublishStream stream = new PublishStream(node, clients.stream().map(Deliveries::user).toList(), MESSAGES, PUBLISHERS, "s-");
        stream.awaitAccepted(KILL_AFTER, WAIT);
        link1.freezeAll();
        link2.freezeAll();
        Thread.sleep(LAG_MS); // the lag is the scenario: publishes go on while the replicas hear nothing
        long killedAt = System.nanoTime();
        master.kill();
        int promoted = sentinels.awaitFailover(master.port(), WAIT);
        long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        stream.awaitDone(WAIT);
        assertThat(promoted).isIn(replica1.port(), replica2.port());

        // A last message per user marks the end; a fresh installation of each user then reads what the store holds.
        int lost = 0;
        int violations = 0;
        for (Deliveries d : clients) {
          long markerSeq = PublishStream.publishRetrying(node, new JsonObject().put("user", d.user()).put("id", "end").put("payload", new JsonObject().put("i", -1)), () -> { });
          Deliveries audit = new Deliveries(d.user(), "audit");
          try (WsTestClient a = node.connectAcking(audit, WAIT)) {
            audit.await(x -> x.bodies().stream().anyMatch(b -> b.getInteger("i") == -1), "the end marker", WAIT);
          }
          Set<Integer> held = new HashSet<>();
          for (JsonObject b : audit.bodies()) held.add(b.getInteger("i"));
          Map<Integer, Long> mine = stream.acceptedFor(d.user());
          for (int i : mine.keySet()) if (!held.contains(i)) lost++;
          if (level.equals("replicated")) {
            assertThat(markerSeq).as("no seq reused after the failover").isGreaterThan(mine.values().stream().mapToLong(Long::longValue).max().orElse(0));
          }
        }
        if (level.equals("replicated")) {
          // The apps reconnect from their lastSeq: every 202 exactly once, in seq order, then the marker.
          connections.forEach(WsTestClient::close);
          connections.clear();
          for (Deliveries d : clients) connections.add(node.connectAcking(d, WAIT));
          for (Deliveries d : clients) {
            Map<Long, Integer> bySeq = new TreeMap<>();
            stream.acceptedFor(d.user()).forEach((i, seq) -> bySeq.put(seq, i));
            d.awaitProcessed(bySeq.size() + 1, WAIT);
            List<Integer> got = d.bodies().stream().map(b -> b.getInteger("i")).toList();
            List<Integer> want = new ArrayList<>(bySeq.values());
            want.add(-1);
            assertThat(got).as(d.user()).isEqualTo(want);
            assertThat(d.problems()).as(d.user()).isEmpty();
            violations += d.duplicates().size();
          }
        }
        connections.forEach(WsTestClient::close);
        System.out.printf("DURABILITY %s: lost %d of %d answered 202 in a Sentinel failover (replication %d ms behind); "
            + "failover %d ms, first publish sent after the kill answered 202 %d ms after it, %d refusals with 503 (retried), %d exactly-once violations%n",
            level, lost, MESSAGES, LAG_MS, failoverMs, stream.firstAcceptedAfterMs(killedAt), stream.refused(), violations);
        if (level.equals("replicated")) {
          assertThat(lost).as("202'd messages lost at replicated").isZero();
          assertThat(violations).isZero();
          assertThat(stream.refused()).as("the stalled replicas made publishes wait and be refused").isPositive();
        }
      }
    }
  }
}
