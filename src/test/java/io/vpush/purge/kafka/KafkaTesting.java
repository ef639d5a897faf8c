package io.vpush.purge.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Plain Kafka clients for tests: produce, read a topic from the start, compare committed and end offsets. */
final class KafkaTesting {

  private KafkaTesting() {}

  static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 5),
        new StringSerializer(), new StringSerializer());
  }

  /** Sends and waits for every ack. */
  static void produce(String bootstrap, String topic, List<ProducerRecord<String, String>> records) {
    try (KafkaProducer<String, String> p = producer(bootstrap)) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (ProducerRecord<String, String> r : records) acks.add(p.send(r));
      for (java.util.concurrent.Future<?> f : acks) f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("produce to " + topic, e);
    }
  }

  /** Reads {@code n} records of {@code topic} from the beginning (each poll waits for the broker), or fails at the deadline. */
  static List<ConsumerRecord<String, String>> read(String bootstrap, String topic, int n, Duration timeout) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "group.id", "test-reader-" + System.nanoTime(), "auto.offset.reset", "earliest", "enable.auto.commit", "false"),
        new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < n) {
        if (System.nanoTime() > deadline) throw new AssertionError("read " + out.size() + " of " + n + " records of " + topic);
        c.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }

  /** Committed offset per partition of {@code group} on {@code topic}. */
  static Map<Integer, Long> committed(String bootstrap, String group, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<Integer, Long> out = new HashMap<>();
      offsets.forEach((tp, o) -> {
        if (tp.topic().equals(topic) && o != null) out.put(tp.partition(), o.offset());
      });
      return out;
    }
  }

  /** End offset per partition of {@code topic}. */
  static Map<Integer, Long> endOffsets(String bootstrap, String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < partitions; p++) request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet().stream()
          .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }
  }

  static Set<String> names(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
  }
}
