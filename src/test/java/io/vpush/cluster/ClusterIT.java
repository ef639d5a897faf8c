package io.vpush.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.auth.TokenMinter;
import io.vpush.testing.Deliveries;
import io.vpush.testing.FreePorts;
import io.vpush.testing.KafkaBroker;
import io.vpush.testing.RedisServer;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three vpush processes from the fat jar in one Hazelcast cluster over one Redis and one Kafka broker: {@code n1}
 * and {@code n2} are access-only, {@code n3} accepts (purge with the Kafka consumer, delay, dispatch: the node that
 * accepts a message dispatches it). Clients spread over n1 and n2 get every message of every door (HTTP, TCP
 * bridge, Kafka: all on n3, the node that has them) exactly once by seq; then n1 is SIGKILLed while HTTP and Kafka
 * keep publishing, and its clients reconnect to n2 with their lastSeq and still end with every message exactly once.
 * Every node's {@code /health/ready} reports its parts: store and cluster everywhere, Kafka on n3.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final String KEY = "cluster-it-key";
  private static final String SECRET = "0123456789abcdef0123456789abcdef-it";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static RedisServer redis;
  private static VPushProcess n1;
  private static VPushProcess n2;
  private static VPushProcess n3;
  private static int bridgePort;
  private static KafkaBroker kafka;
  private static String topic;
  private static Vertx vertx;
  private static VPushConfig tokens;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    kafka = KafkaBroker.shared();
    // Names private to this run: the shared broker outlives one test class.
    String prefix = "cluster-it-" + System.nanoTime();
    topic = prefix + ".messages";
    kafka.createTopic(topic, 4);
    TestClusterConfig hz = TestClusterConfig.create(3);
    bridgePort = FreePorts.free();
    long t0 = System.nanoTime();
    // Launch all three at once (joins overlap), then wait for each.
    VPushProcess p1 = node("n1", "access", hz.file(0)).launch();
    VPushProcess p2 = node("n2", "access", hz.file(1)).launch();
    VPushProcess p3 = node("n3", "dispatch,purge,delay", hz.file(2)).env("VPUSH_TCP_BRIDGE_PORT", Integer.toString(bridgePort))
        .env(Map.of("VPUSH_KAFKA_BOOTSTRAP", kafka.bootstrap(), "VPUSH_KAFKA_TOPIC", topic, "VPUSH_KAFKA_GROUP", prefix + "-purge",
            "VPUSH_KAFKA_DLQ_TOPIC", prefix + ".dlq", "VPUSH_KAFKA_UPSTREAM_TOPIC", prefix + ".upstream",
            "VPUSH_KAFKA_PRESENCE_TOPIC", prefix + ".presence"))
        .launch();
    n1 = p1.awaitLive(Duration.ofSeconds(120));
    n2 = p2.awaitLive(Duration.ofSeconds(120));
    n3 = p3.awaitLive(Duration.ofSeconds(120));
    System.out.println("3 clustered nodes live in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    vertx = Vertx.vertx();
    tokens = VPushConfig.defaults().with(Map.<Setting<?>, Object>of(Settings.JWT_SECRET, SECRET), "test");
  }

  private static VPushProcess.Builder node(String id, String roles, java.nio.file.Path hazelcast) {
    return VPushProcess.builder().name("cluster-" + id).heap("256m")
        .jvmArgs("-Dvertx.hazelcast.config=" + hazelcast)
        .args("-cluster")
        .env(Map.of("VPUSH_NODE_ID", id, "VPUSH_ROLES", roles, "VPUSH_STORE", "redis", "VPUSH_REDIS_URL", redis.url(),
            "VPUSH_JWT_SECRET", SECRET, "VPUSH_API_KEY", KEY, "VPUSH_ACCESS_INSTANCES", "1",
            "VPUSH_TCP_BRIDGE_ENABLED", roles.contains("purge") ? "true" : "false"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (VPushProcess p : new VPushProcess[] {n1, n2, n3}) {
      if (p != null) p.close();
    }
    if (vertx != null) vertx.close().await();
    if (redis != null) redis.close();
  }

  @Test
  @Order(1)
  void everyNodeIsReadyWithItsOwnParts() throws Exception {
    for (VPushProcess n : new VPushProcess[] {n1, n2}) {
      JsonObject ready = awaitReady(n);
      assertThat(checks(ready)).as(ready.encode()).containsOnlyKeys("store", "cluster", "eventLoops");
      assertThat(checks(ready).values()).as(ready.encode()).containsOnly("UP");
      assertThat(checkData(ready, "cluster").getInteger("members")).isEqualTo(3);
    }
    JsonObject ready = awaitReady(n3);
    assertThat(checks(ready)).as(ready.encode()).containsOnlyKeys("store", "cluster", "kafka", "eventLoops");
    assertThat(checks(ready).values()).as(ready.encode()).containsOnly("UP");
  }

  @Test
  @Order(2) // kills n1
  void everyDoorEveryClientExactlyOnceThenAnAccessNodeDies() throws Exception {
    int users = 6;
    List<String> ids = new ArrayList<>();
    List<WsTestClient> clients = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String u = "it-" + i + "-" + System.nanoTime();
      ids.add(u);
      clients.add(connect(i % 2 == 0 ? n1 : n2, new Deliveries(u, "c" + i)));
    }
    // Phase 1: every door the accepting node has (HTTP, TCP bridge, Kafka), interleaved.
    int perDoor = 10;
    int doors = 3;
    try (Bridge bridge = new Bridge(bridgePort); KafkaProducer<String, String> producer = producer()) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int k = 0; k < perDoor; k++) {
        for (String u : ids) {
          httpPublish(n3, u, "http-" + k);
          bridge.publish(u, "tcp-" + k);
          acks.add(produce(producer, u, "kafka-" + k));
        }
      }
      for (java.util.concurrent.Future<?> a : acks) a.get(30, TimeUnit.SECONDS);
    }
    for (WsTestClient c : clients) c.deliveries().awaitRange(1, (long) doors * perDoor, WAIT);
    for (WsTestClient c : clients) {
      assertThat(c.deliveries().duplicates()).isEmpty();
      assertThat(c.deliveries().distinct()).isEqualTo(doors * perDoor);
    }

    // Phase 2: a stream to everyone (HTTP and Kafka) while n1 is SIGKILLed; its clients reconnect to n2 with their lastSeq.
    int more = 30;
    long killAt = System.nanoTime();
    try (KafkaProducer<String, String> producer = producer()) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int k = 0; k < more; k++) {
        if (k == more / 3) {
          n1.kill9();
          killAt = System.nanoTime();
        }
        for (String u : ids) {
          if (k % 2 == 0) httpPublish(n3, u, "stream-" + k);
          else acks.add(produce(producer, u, "stream-" + k));
        }
      }
      for (java.util.concurrent.Future<?> a : acks) a.get(30, TimeUnit.SECONDS);
    }
    int total = doors * perDoor + more;
    // The accepting node drops the dead node from its view (Hazelcast failure detection: seconds).
    awaitNodeGone(n3, "n1", Duration.ofSeconds(30));
    System.out.println("n1 dropped from n3's node list " + (System.nanoTime() - killAt) / 1_000_000 + " ms after SIGKILL");
    List<WsTestClient> moved = new ArrayList<>();
    for (int i = 0; i < users; i += 2) {
      Deliveries old = clients.get(i).deliveries();
      clients.get(i).awaitClose(WAIT);
      long lastSeq = old.contiguous();
      WsTestClient again = connect(n2, new Deliveries(ids.get(i), "c" + i, lastSeq));
      moved.add(again);
      Deliveries got = again.deliveries();
      // It only gets seqs lastSeq+1..total after registering with lastSeq.
      got.await(d -> d.distinct() >= total - lastSeq, (total - lastSeq) + " messages after lastSeq " + lastSeq, WAIT);
      assertThat(got.duplicates()).isEmpty();
      // Exactly once across both connections: the new one starts right after what the old one had.
      assertThat(got.distinct() + lastSeq).isEqualTo(total);
      assertThat(old.duplicates()).isEmpty();
      assertThat(old.distinct()).isEqualTo((int) lastSeq);
    }
    for (int i = 1; i < users; i += 2) {
      Deliveries got = clients.get(i).deliveries();
      got.awaitRange(1, total, WAIT);
      assertThat(got.duplicates()).isEmpty();
      assertThat(got.distinct()).isEqualTo(total);
    }
    for (WsTestClient c : clients) c.close();
    for (WsTestClient c : moved) c.close();
  }

  /** A client of {@code node} that acks every message as it arrives. */
  private static WsTestClient connect(VPushProcess node, Deliveries app) {
    return WsTestClient.connectAcking(vertx, node.port(), app, token(app.user()), Duration.ofSeconds(20));
  }

  private static long awaitNodeGone(VPushProcess from, String id, Duration timeout) throws Exception {
    long start = System.nanoTime();
    while (true) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(from.uri("/api/v1/nodes")).header("Authorization", "Bearer " + KEY).build(),
          HttpResponse.BodyHandlers.ofString());
      boolean listed = new JsonArray(r.body()).stream().anyMatch(o -> id.equals(((JsonObject) o).getString("id")));
      // n3 has no access role, so it lists only n1 and n2; poll (an external process's view) with a deadline.
      if (!listed) return (System.nanoTime() - start) / 1_000_000;
      if (System.nanoTime() - start > timeout.toNanos()) throw new AssertionError(id + " still listed by " + from.port() + ": " + r.body());
      Thread.sleep(100);
    }
  }

  private static KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrap(), "acks", "all", "linger.ms", 5),
        new StringSerializer(), new StringSerializer());
  }

  /** A publish record as a business service writes it: key = user id (one user, one partition), value = publish JSON. */
  private static java.util.concurrent.Future<?> produce(KafkaProducer<String, String> producer, String user, String text) {
    return producer.send(new ProducerRecord<>(topic, user, new JsonObject().put("user", user).put("payload", text).encode()));
  }

  /** Polls {@code /health/ready} of an external process until 200 (each request paces the loop), with a deadline. */
  private static JsonObject awaitReady(VPushProcess node) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.uri("/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) return new JsonObject(r.body());
      if (System.nanoTime() > deadline) throw new AssertionError("not ready: " + r.statusCode() + " " + r.body());
      Thread.sleep(200);
    }
  }

  /** check id -> status of a health answer. */
  private static Map<String, String> checks(JsonObject health) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Object o : health.getJsonArray("checks", new JsonArray())) out.put(((JsonObject) o).getString("id"), ((JsonObject) o).getString("status"));
    return out;
  }

  private static JsonObject checkData(JsonObject health, String id) {
    for (Object o : health.getJsonArray("checks", new JsonArray())) {
      if (id.equals(((JsonObject) o).getString("id"))) return ((JsonObject) o).getJsonObject("data", new JsonObject());
    }
    return new JsonObject();
  }

  private static String token(String user) {
    return TokenMinter.mint(vertx, tokens, user, 3600, List.of(), List.of());
  }

  private static void httpPublish(VPushProcess node, String user, String text) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.uri("/api/v1/messages"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("payload", text).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  /** A raw TCP bridge client (4-byte length + JSON). */
  private static final class Bridge implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private int n;

    Bridge(int port) throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      out = new DataOutputStream(socket.getOutputStream());
      in = new DataInputStream(socket.getInputStream());
    }

    void publish(String user, String text) throws Exception {
      String reply = "r" + (n++);
      byte[] bytes = new JsonObject().put("type", "send").put("address", "vpush.publish").put("replyAddress", reply)
          .put("headers", new JsonObject().put("apiKey", KEY))
          .put("body", new JsonObject().put("user", user).put("payload", text)).encode().getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
      byte[] answer = new byte[in.readInt()];
      in.readFully(answer);
      JsonObject frame = new JsonObject(new String(answer, StandardCharsets.UTF_8));
      assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("message");
      assertThat(frame.getString("address")).isEqualTo(reply);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}
