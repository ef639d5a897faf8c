package io.vpush.purge.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.Deliveries;
import io.vpush.testing.KafkaBroker;
import io.vpush.testing.NeedsKafka;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A Kafka broker crash and restart (same ports, same data): ingest and the upstream producer recover by themselves. */
@NeedsKafka
class KafkaOutageTest {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void ingestAndUpstreamRecoverAfterTheBrokerIsKilledAndRestarted() throws Exception {
    Vertx vertx = Vertx.vertx();
    TestNode node = null;
    WsTestClient client = null;
    try (KafkaBroker broker = KafkaBroker.start()) {
      VPushConfig config = TestNode.kafkaConfig(broker.bootstrap(), "outage", Map.of());
      String topic = config.get(Settings.KAFKA_TOPIC);
      broker.createTopic(topic, 2);
      broker.createTopic(config.get(Settings.KAFKA_UPSTREAM_TOPIC), 1);
      broker.createTopic(config.get(Settings.KAFKA_PRESENCE_TOPIC), 1);
      broker.createTopic(config.get(Settings.KAFKA_DLQ_TOPIC), 1);
      node = TestNode.start(vertx, config);
      client = node.connectAcking(new Deliveries("k", "c"), WAIT);
      Deliveries got = client.deliveries();

      KafkaTesting.produce(broker.bootstrap(), topic, records(topic, 0, 20));
      got.awaitProcessed(20, WAIT);

      broker.kill();
      // Sent while the broker is down: the producer keeps it until the broker is back (or answers unavailable after 30 s).
      CompletableFuture<JsonObject> during = client.requestAsync("vpush.upstream", new JsonObject().put("during", true));
      broker.restart();

      KafkaTesting.produce(broker.bootstrap(), topic, records(topic, 20, 40));
      got.awaitProcessed(40, WAIT);
      assertThat(got.processed()).containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
      assertThat(got.bodies().stream().map(b -> b.getInteger("n")).toList())
          .isEqualTo(java.util.stream.IntStream.range(0, 40).boxed().toList());

      JsonObject after = client.requestAsync("vpush.upstream", new JsonObject().put("after", true)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(after.getJsonObject("body")).as(after.encode()).isEqualTo(new JsonObject().put("ok", true));
      JsonObject duringReply = during.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      boolean duringOk = new JsonObject().put("ok", true).equals(duringReply.getJsonObject("body"));
      assertThat(duringOk || "unavailable".equals(duringReply.getString("failureType")))
          .as("answered ok or unavailable, not left hanging: " + duringReply).isTrue();

      List<ConsumerRecord<String, String>> up = KafkaTesting.read(broker.bootstrap(), config.get(Settings.KAFKA_UPSTREAM_TOPIC), duringOk ? 2 : 1, WAIT);
      assertThat(up).extracting(r -> new JsonObject(r.value()).getJsonObject("body").fieldNames().iterator().next())
          .contains("after");
      node.close(); // while the broker still runs
      node = null;
    } finally {
      if (client != null) client.close();
      if (node != null) node.close();
      vertx.close().await();
    }
  }

  static List<ProducerRecord<String, String>> records(String topic, int from, int to) {
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(new ProducerRecord<>(topic, "k", new JsonObject().put("user", "k").put("payload", new JsonObject().put("n", i)).encode()));
    }
    return out;
  }
}
