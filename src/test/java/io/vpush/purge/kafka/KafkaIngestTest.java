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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka door end to end on a real broker: per-user order, DLQ with reasons, commits, upstream and presence. */
@NeedsKafka
class KafkaIngestTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final KafkaBroker broker = KafkaBroker.shared();
  private Vertx vertx;
  private TestNode node;
  private final List<WsTestClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    clients.forEach(WsTestClient::close);
    if (node != null) node.close();
    vertx.close().await();
  }

  @Test
  void acceptsEachUsersRecordsInOrderSendsInvalidOnesToTheDlqAndCommitsWhatIsDone() throws Exception {
    String prefix = "ingest" + System.nanoTime();
    VPushConfig config = TestNode.kafkaConfig(broker.bootstrap(), prefix, Map.of());
    String topic = config.get(Settings.KAFKA_TOPIC);
    broker.createTopic(topic, 3);
    broker.createTopic(config.get(Settings.KAFKA_DLQ_TOPIC), 1);
    node = TestNode.start(vertx, config);
    int users = 5;
    int perUser = 40;
    for (int u = 0; u < users; u++) {
      clients.add(node.connectAcking(new Deliveries("u" + u, "c"), WAIT));
    }

    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 0; i < perUser; i++) {
      for (int u = 0; u < users; u++) {
        records.add(new ProducerRecord<>(topic, "u" + u, new JsonObject().put("user", "u" + u).put("payload", new JsonObject().put("n", i)).encode()));
      }
      if (i == 10) {
        records.add(new ProducerRecord<>(topic, "u1", "{not json"));
        records.add(new ProducerRecord<>(topic, "u2", "{\"user\":\"u2\"}"));
        records.add(new ProducerRecord<>(topic, "u3", "[1,2]"));
      }
    }
    KafkaTesting.produce(broker.bootstrap(), topic, records);

    for (WsTestClient client : clients) {
      Deliveries c = client.deliveries();
      c.awaitProcessed(perUser, WAIT);
      assertThat(c.processed()).as(c.user()).containsExactlyElementsOf(LongStream.rangeClosed(1, perUser).boxed().toList());
      assertThat(c.bodies().stream().map(b -> b.getInteger("n")).toList()).as(c.user() + " in produce order")
          .isEqualTo(java.util.stream.IntStream.range(0, perUser).boxed().toList());
      assertThat(c.problems()).isEmpty();
    }

    List<ConsumerRecord<String, String>> dead = KafkaTesting.read(broker.bootstrap(), config.get(Settings.KAFKA_DLQ_TOPIC), 3, WAIT);
    Set<String> reasons = new HashSet<>();
    for (ConsumerRecord<String, String> d : dead) {
      reasons.add(header(d, "vpush-error"));
      assertThat(header(d, "vpush-source")).startsWith(topic + "-");
      assertThat(header(d, "vpush-error-message")).isNotBlank();
    }
    assertThat(reasons).containsExactlyInAnyOrder("not_json", "invalid", "not_object");
    assertThat(dead.stream().filter(d -> d.key().equals("u2")).findFirst().orElseThrow().value()).isEqualTo("{\"user\":\"u2\"}");
    assertThat(node.node().metrics().scrape()).contains("vpush_dlq_records_total{reason=\"not_json\"} 1.0");
    assertThat(node.node().metrics().scrape()).contains("vpush_messages_accepted_total{door=\"kafka\"} " + (users * perUser) + ".0");
    // The lag gauges (what the dashboard and the alert read) are measured once a second: poll the scrape until
    // every partition reports, then none may be behind.
    awaitScrape(s -> java.util.stream.IntStream.range(0, 3).allMatch(p -> s.contains("vpush_kafka_consumer_lag{partition=\"" + p + "\"} 0.0")));

    // Closing leaves the group after committing: every record, valid or dead-lettered, is committed.
    node.close();
    node = null;
    assertThat(KafkaTesting.committed(broker.bootstrap(), config.get(Settings.KAFKA_GROUP), topic))
        .isEqualTo(KafkaTesting.endOffsets(broker.bootstrap(), topic, 3));
  }

  @Test
  void upstreamIsAnsweredAfterKafkaAcknowledgedAndPresenceIsPublished() throws Exception {
    String prefix = "upstream" + System.nanoTime();
    VPushConfig config = TestNode.kafkaConfig(broker.bootstrap(), prefix, Map.of());
    broker.createTopic(config.get(Settings.KAFKA_TOPIC), 1);
    broker.createTopic(config.get(Settings.KAFKA_UPSTREAM_TOPIC), 2);
    broker.createTopic(config.get(Settings.KAFKA_PRESENCE_TOPIC), 1);
    node = TestNode.start(vertx, config);
    CompletableFuture<JsonObject> onBus = new CompletableFuture<>();
    vertx.eventBus().<JsonObject>consumer("vpush.upstream.in", m -> onBus.complete(m.body())).completion().await();

    WsTestClient client = node.connectAcking(new Deliveries("alice", "phone"), WAIT);
    clients.add(client);
    JsonObject reply = client.requestAsync("vpush.upstream", new JsonObject().put("order", 42)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(reply.getJsonObject("body")).as(reply.encode()).isEqualTo(new JsonObject().put("ok", true));

    ConsumerRecord<String, String> up = KafkaTesting.read(broker.bootstrap(), config.get(Settings.KAFKA_UPSTREAM_TOPIC), 1, WAIT).get(0);
    assertThat(up.key()).isEqualTo("alice");
    JsonObject record = new JsonObject(up.value());
    assertThat(record.getJsonObject("body")).isEqualTo(new JsonObject().put("order", 42));
    assertThat(record.getString("user")).isEqualTo("alice");
    assertThat(onBus.get(WAIT.toSeconds(), TimeUnit.SECONDS).getJsonObject("body")).isEqualTo(new JsonObject().put("order", 42));

    ConsumerRecord<String, String> presence = KafkaTesting.read(broker.bootstrap(), config.get(Settings.KAFKA_PRESENCE_TOPIC), 1, WAIT).get(0);
    assertThat(presence.key()).isEqualTo("alice");
    assertThat(new JsonObject(presence.value()).getString("type")).isEqualTo("connect");
  }

  @Test
  void aSmallInFlightLimitPausesAndResumesThePartitionWithoutReorderingOrLoss() throws Exception {
    String prefix = "pause" + System.nanoTime();
    VPushConfig config = TestNode.kafkaConfig(broker.bootstrap(), prefix, Map.of(Settings.KAFKA_MAX_IN_FLIGHT, 5));
    String topic = config.get(Settings.KAFKA_TOPIC);
    broker.createTopic(topic, 1);
    node = TestNode.start(vertx, config);
    Deliveries client = new Deliveries("p", "c");
    clients.add(node.connectAcking(client, WAIT));
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      records.add(new ProducerRecord<>(topic, "p", new JsonObject().put("user", "p").put("payload", new JsonObject().put("n", i)).encode()));
    }
    KafkaTesting.produce(broker.bootstrap(), topic, records);

    client.awaitProcessed(300, WAIT);
    assertThat(client.bodies().stream().map(b -> b.getInteger("n")).toList())
        .isEqualTo(java.util.stream.IntStream.range(0, 300).boxed().toList());
    assertThat(node.node().metrics().scrape()).containsPattern("vpush_kafka_partition_pauses_total\\{cause=\"in_flight\"} [1-9]");
    node.close();
    node = null;
    assertThat(KafkaTesting.committed(broker.bootstrap(), config.get(Settings.KAFKA_GROUP), topic)).isEqualTo(Map.of(0, 300L));
  }

  @Test
  void scheduledRecordsGoToTheDelayQueueAndAreCommittedOnceQueued() throws Exception {
    String prefix = "sched" + System.nanoTime();
    VPushConfig config = TestNode.kafkaConfig(broker.bootstrap(), prefix, Map.of());
    String topic = config.get(Settings.KAFKA_TOPIC);
    broker.createTopic(topic, 1);
    node = TestNode.start(vertx, config);
    Deliveries client = new Deliveries("s", "c");
    clients.add(node.connectAcking(client, WAIT));
    long due = System.currentTimeMillis() + 1_000;
    KafkaTesting.produce(broker.bootstrap(), topic, List.of(
        new ProducerRecord<>(topic, "s", "{\"user\":\"s\",\"payload\":{\"n\":0}}"),
        new ProducerRecord<>(topic, "s", "{\"user\":\"s\",\"payload\":{\"n\":99},\"deliverAt\":" + due + "}"),
        new ProducerRecord<>(topic, "s", "{\"user\":\"s\",\"payload\":{\"n\":1}}")));

    client.awaitProcessed(3, WAIT);
    assertThat(client.bodies().stream().map(b -> b.getInteger("n")).toList()).containsExactly(0, 1, 99);
    node.close();
    node = null;
    assertThat(KafkaTesting.committed(broker.bootstrap(), config.get(Settings.KAFKA_GROUP), topic)).isEqualTo(Map.of(0, 3L));
  }

  private static String header(ConsumerRecord<String, String> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Polls /metrics' text until it satisfies {@code ready} (gauges that are sampled, not events), failing after WAIT. */
  private void awaitScrape(java.util.function.Predicate<String> ready) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = node.node().metrics().scrape();
    while (!ready.test(last)) {
      assertThat(System.nanoTime()).as("metrics never satisfied the condition; last scrape:%n%s", last).isLessThan(deadline);
      Thread.sleep(100);
      last = node.node().metrics().scrape();
    }
  }
}
