package io.vpush.purge.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.Deliveries;
import io.vpush.testing.KafkaBroker;
import io.vpush.testing.NeedsKafka;
import io.vpush.testing.TestCertificates;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * vpush's Kafka clients against a real broker whose only client listener is SASL_SSL (TLS with a certificate made by
 * openssl here, SASL PLAIN): the ingest consumer takes a record in and delivers it, the presence producer writes.
 */
@NeedsKafka
class KafkaSaslSslTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String USER = "vpush";
  private static final String PASSWORD = "vpush-kafka-secret";
  private static TestCertificates certs;
  private static KafkaBroker broker;

  @BeforeAll
  static void start() {
    certs = TestCertificates.create();
    broker = KafkaBroker.startSaslSsl(certs, USER, PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (broker != null) broker.close();
    if (certs != null) certs.close();
  }

  @Test
  void ingestAndPresenceWorkOverSaslSsl() throws Exception {
    String prefix = "sasl" + System.nanoTime();
    Map<Setting<?>, Object> security = new HashMap<>();
    security.put(Settings.KAFKA_SECURITY_PROTOCOL, "sasl_ssl");
    security.put(Settings.KAFKA_SASL_MECHANISM, "plain");
    security.put(Settings.KAFKA_SASL_USERNAME, USER);
    security.put(Settings.KAFKA_SASL_PASSWORD, PASSWORD);
    security.put(Settings.KAFKA_SSL_TRUSTSTORE_PATH, certs.caCert().toString());
    VPushConfig config = TestNode.kafkaConfig(broker.bootstrap(), prefix, security);
    broker.createTopic(config.get(Settings.KAFKA_TOPIC), 1);
    broker.createTopic(config.get(Settings.KAFKA_PRESENCE_TOPIC), 1);
    Vertx vertx = Vertx.vertx();
    try (TestNode node = TestNode.start(vertx, config)) {
      try (WsTestClient client = node.connectAcking(new Deliveries("alice", "phone"), WAIT)) {
        Map<String, Object> producerConfig = new HashMap<>(broker.clientProperties());
        producerConfig.put("bootstrap.servers", broker.bootstrap());
        producerConfig.put("acks", "all");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
          p.send(new ProducerRecord<>(config.get(Settings.KAFKA_TOPIC), "alice",
              new JsonObject().put("user", "alice").put("payload", new JsonObject().put("via", "sasl_ssl")).encode())).get(30, TimeUnit.SECONDS);
        }
        client.deliveries().awaitProcessed(1, WAIT);
        assertThat(client.deliveries().bodies().get(0).getString("via")).isEqualTo("sasl_ssl");
      }
      ConsumerRecord<String, String> presence = read(config.get(Settings.KAFKA_PRESENCE_TOPIC));
      assertThat(presence.key()).isEqualTo("alice");
      assertThat(new JsonObject(presence.value()).getString("type")).isEqualTo("connect");
    } finally {
      vertx.close().await();
    }
  }

  private static ConsumerRecord<String, String> read(String topic) {
    Map<String, Object> c = new HashMap<>(broker.clientProperties());
    c.put("bootstrap.servers", broker.bootstrap());
    c.put("group.id", "sasl-reader-" + System.nanoTime());
    c.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + WAIT.toNanos();
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      while (out.isEmpty()) {
        if (System.nanoTime() > deadline) throw new AssertionError("no record on " + topic);
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
      return out.get(0);
    }
  }
}
