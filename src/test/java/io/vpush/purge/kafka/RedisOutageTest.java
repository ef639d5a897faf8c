package io.vpush.purge.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.Deliveries;
import io.vpush.testing.KafkaBroker;
import io.vpush.testing.NeedsKafka;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis frozen (SIGSTOP) for a few seconds under a node with Kafka ingest and live clients: HTTP publish answers
 * 503 unavailable, the purger retries without committing past the failure, clients stay connected, and once
 * Redis is back every message accepted or published through Kafka reaches its client exactly once, in order.
 */
@NeedsKafka
@NeedsRedis
class RedisOutageTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int USERS = 10;
  private static final int PER_PHASE = 10;

  @Test
  void nothingIsLostAndNothingCrashesWhileRedisIsFrozen() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    Vertx vertx = Vertx.vertx();
    List<WsTestClient> connections = new ArrayList<>();
    List<Deliveries> clients = new ArrayList<>();
    TestNode node = null;
    try (RedisServer redis = RedisServer.start()) {
      VPushConfig config = TestNode.kafkaConfig(broker.bootstrap(), "redisout" + System.nanoTime(),
          Map.<Setting<?>, Object>of(Settings.STORE, "redis", Settings.REDIS_URL, List.of(redis.url())));
      String topic = config.get(Settings.KAFKA_TOPIC);
      broker.createTopic(topic, 3);
      node = TestNode.start(vertx, config);
      for (int u = 0; u < USERS; u++) {
        clients.add(new Deliveries("r" + u, "c"));
        connections.add(node.connectAcking(clients.get(u), WAIT));
      }

      KafkaTesting.produce(broker.bootstrap(), topic, phase(topic, 0));
      for (Deliveries c : clients) c.awaitProcessed(PER_PHASE, WAIT);

      redis.pause();
      TestNode.Response refused;
      try {
        KafkaTesting.produce(broker.bootstrap(), topic, phase(topic, 1)); // Kafka is up: these wait in the purger
        refused = publish(node, "outage-1"); // the store call times out (5 s): Redis stays frozen at least that long
        connections.get(0).ping();
        connections.get(0).awaitFrame(f -> "pong".equals(f.getString("type")), WAIT);
      } finally {
        redis.resume();
      }
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().getString("error")).isEqualTo("unavailable");
      assertThat(connections).noneMatch(WsTestClient::isClosed);

      // A well-behaved publisher retries a 503 with the same id: it is accepted once, whatever happened to the first try.
      assertThat(publish(node, "outage-1").status()).isEqualTo(202);
      assertThat(publish(node, "after-1").status()).isEqualTo(202);
      KafkaTesting.produce(broker.bootstrap(), topic, phase(topic, 2));

      int lost = 0;
      for (Deliveries c : clients) {
        int expected = 3 * PER_PHASE + (c == clients.get(0) ? 2 : 0);
        c.awaitProcessed(expected, WAIT);
        assertThat(c.processed()).as(c.user()).containsExactlyElementsOf(LongStream.rangeClosed(1, expected).boxed().toList());
        assertThat(c.problems()).as(c.user()).isEmpty();
        Set<String> distinct = new HashSet<>();
        for (JsonObject b : c.bodies()) distinct.add(b.encode());
        lost += expected - distinct.size();
      }
      assertThat(lost).as("messages lost").isZero();
      List<Integer> kafkaOrder = clients.get(1).bodies().stream().map(b -> b.getInteger("n")).toList();
      assertThat(kafkaOrder).isEqualTo(java.util.stream.IntStream.range(0, 3 * PER_PHASE).boxed().toList());
      assertThat(connections).noneMatch(WsTestClient::isClosed);
      String metrics = node.node().metrics().scrape();
      assertThat(metrics).containsPattern("vpush_problems_total\\{kind=\"store\",level=\"warn\"} [1-9]");
      assertThat(metrics).as("the purger paused the failing partitions").containsPattern("vpush_kafka_partition_pauses_total\\{cause=\"failing\"} [1-9]");
    } finally {
      connections.forEach(WsTestClient::close);
      if (node != null) node.close();
      vertx.close().await();
    }
  }

  private static List<ProducerRecord<String, String>> phase(String topic, int phase) {
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (int i = phase * PER_PHASE; i < (phase + 1) * PER_PHASE; i++) {
      for (int u = 0; u < USERS; u++) {
        out.add(new ProducerRecord<>(topic, "r" + u, new JsonObject().put("user", "r" + u).put("payload", new JsonObject().put("n", i)).encode()));
      }
    }
    return out;
  }

  private static TestNode.Response publish(TestNode node, String id) {
    return node.publish(new JsonObject().put("user", "r0").put("id", id).put("payload", new JsonObject().put("http", id)));
  }
}
