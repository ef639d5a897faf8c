package io.vpush.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The Kafka test fixture against plain kafka-clients: a record goes in and comes out, also across a crash. */
@NeedsKafka
class KafkaBrokerTest {

  @Test
  void sharedBrokerCarriesARecord() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    assertThat(KafkaBroker.shared()).isSameAs(broker);
    String topic = "t-" + UUID.randomUUID();
    broker.createTopic(topic, 3);

    produce(broker, topic, "k", "hello");

    assertThat(consumeAll(broker, topic, 3, 1)).containsExactly("k=hello");
  }

  @Test
  void privateBrokerKeepsItsDataAcrossKillAndRestartOnTheSamePort() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      String bootstrap = broker.bootstrap();
      broker.createTopic("survives", 1);
      produce(broker, "survives", "k", "before-crash");

      broker.kill();
      assertThat(broker.isRunning()).isFalse();
      broker.restart();

      assertThat(broker.bootstrap()).isEqualTo(bootstrap);
      produce(broker, "survives", "k", "after-restart");
      assertThat(consumeAll(broker, "survives", 1, 2)).containsExactly("k=before-crash", "k=after-restart");
      assertThat(broker.stop()).as("exit code after SIGTERM (128 + 15)").isEqualTo(143);
    }
  }

  private static void produce(KafkaBroker broker, String topic, String key, String value) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /** Reads every partition from the beginning until {@code expected} records arrived (or 30 s passed). */
  private static List<String> consumeAll(KafkaBroker broker, String topic, int partitions, int expected) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) tps.add(new TopicPartition(topic, p));
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) seen.add(r.key() + "=" + r.value());
      }
    }
    return seen;
  }
}
