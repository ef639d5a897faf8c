package io.vpush.purge.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.auth.TokenMinter;
import io.vpush.testing.Deliveries;
import io.vpush.testing.KafkaBroker;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestNode;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash test: 10,000 messages for 100 users through Kafka while the users are connected; the purging
 * vpush process (all roles, Redis store, holding the clients) is SIGKILLed in the middle and a new one started;
 * clients reconnect to it with their lastSeq. Every user gets every message once, in seq order, and seq = produce
 * order per user (so no re-consumed record got a new seq), and each user's lastSeq is exactly its record count.
 *
 * <p>Without the cluster feature the clients must move with the crash; once access nodes can survive a purger
 * crash, this test can keep them on a surviving access node.
 */
class KafkaCrashIT {

  private static final int USERS = 100;
  private static final int PER_USER = 100;
  private static final int TOTAL = USERS * PER_USER;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void killingThePurgingProcessMidStreamLosesNothingAndRenumbersNothing() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String prefix = "crash" + System.nanoTime();
    String topic = prefix + ".messages";
    broker.createTopic(topic, 4);
    Vertx vertx = Vertx.vertx();
    List<Deliveries> clients = new ArrayList<>();
    List<WsTestClient> connections = new ArrayList<>();
    VPushProcess a = null;
    VPushProcess b = null;
    try (RedisServer redis = RedisServer.start()) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("VPUSH_MODE", "dev");
      env.put("VPUSH_ROLES", "access,dispatch,purge,delay");
      env.put("VPUSH_STORE", "redis");
      env.put("VPUSH_REDIS_URL", redis.url());
      env.put("VPUSH_KAFKA_BOOTSTRAP", broker.bootstrap());
      env.put("VPUSH_KAFKA_TOPIC", topic);
      env.put("VPUSH_KAFKA_GROUP", prefix + "-purge");
      env.put("VPUSH_KAFKA_DLQ_TOPIC", prefix + ".dlq");
      env.put("VPUSH_KAFKA_UPSTREAM_TOPIC", prefix + ".upstream");
      env.put("VPUSH_KAFKA_PRESENCE_TOPIC", prefix + ".presence");
      env.put("VPUSH_JWT_SECRET", TestNode.SECRET);
      env.put("VPUSH_API_KEY", TestNode.API_KEY);
      env.put("VPUSH_TCP_BRIDGE_ENABLED", "false");
      env.put("VPUSH_IDLE_TIMEOUT_MS", "120000");
      env.put("VPUSH_ACK_TIMEOUT_MS", "30000");
      VPushConfig tokens = VPushConfig.defaults().with(Settings.JWT_SECRET, TestNode.SECRET);

      a = VPushProcess.builder().name("crash-a").env(env).heap("384m").start();
      CountDownLatch midStream = new CountDownLatch(TOTAL * 2 / 5);
      AtomicLong firstOnB = new AtomicLong();
      AtomicLong lastOnB = new AtomicLong();
      AtomicBoolean killed = new AtomicBoolean();
      Runnable onProcessed = () -> {
        midStream.countDown();
        if (!killed.get()) return;
        long now = System.nanoTime();
        firstOnB.compareAndSet(0, now);
        lastOnB.set(now);
      };
      for (int u = 0; u < USERS; u++) {
        clients.add(new Deliveries("c" + u, "app").onProcessed(onProcessed));
        connections.add(WsTestClient.connectAcking(vertx, a.port(), clients.get(u), token(vertx, tokens, "c" + u), WAIT));
      }

      long started = System.nanoTime();
      CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(broker.bootstrap(), topic));
      assertThat(midStream.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("40% delivered by process A").isTrue();
      double aRate = TOTAL * 0.4 / ((System.nanoTime() - started) / 1e9);
      a.kill9();
      long killedAt = System.nanoTime();
      int deliveredByA = clients.stream().mapToInt(c -> c.processed().size()).sum();
      killed.set(true);

      b = VPushProcess.builder().name("crash-b").env(env).heap("384m").start();
      // Each app reconnects with the lastSeq it processed.
      for (Deliveries c : clients) connections.add(WsTestClient.connectAcking(vertx, b.port(), c, token(vertx, tokens, c.user()), WAIT));
      producing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      for (Deliveries c : clients) c.awaitProcessed(PER_USER, WAIT);
      double recovery = (System.nanoTime() - killedAt) / 1e9;
      double bRate = (TOTAL - deliveredByA) / Math.max(1e-3, (lastOnB.get() - firstOnB.get()) / 1e9);

      List<Long> seqs = LongStream.rangeClosed(1, PER_USER).boxed().toList();
      List<Integer> order = IntStream.range(0, PER_USER).boxed().toList();
      for (Deliveries c : clients) {
        assertThat(c.processed()).as(c.user() + " seqs").containsExactlyElementsOf(seqs);
        assertThat(c.bodies().stream().map(x -> x.getInteger("n")).toList()).as(c.user() + ": seq n+1 carries record n").isEqualTo(order);
        assertThat(c.problems()).as(c.user()).isEmpty();
        assertThat(lastSeq(b, c.user())).as(c.user() + " lastSeq in the store").isEqualTo(PER_USER);
      }
      String metrics = HTTP.send(HttpRequest.newBuilder(b.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      System.out.printf("crash test: A delivered %d of %d before SIGKILL (%.0f msg/s, paced by the producer), all delivered %.1f s"
              + " after the kill; B caught up the backlog at %.0f msg/s (consume, accept, deliver, ack);"
              + " B re-consumed %s records already accepted by A (kept their seq); client-side duplicates dropped: %d%n",
          deliveredByA, TOTAL, aRate, recovery, bRate, counter(metrics, "vpush_messages_duplicate_total\\{door=\"kafka\"}"),
          clients.stream().mapToInt(Deliveries::dropped).sum());
    } finally {
      connections.forEach(WsTestClient::close);
      if (a != null) a.close();
      if (b != null) b.close();
      vertx.close().await();
    }
  }

  /** Produces record n of every user in turn, key = user, paced at ~2,000 records/s so the crash lands mid-stream. */
  private static void produce(String bootstrap, String topic) {
    try (KafkaProducer<String, String> p = KafkaTesting.producer(bootstrap)) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int n = 0; n < PER_USER; n++) {
        for (int u = 0; u < USERS; u++) {
          String user = "c" + u;
          acks.add(p.send(new ProducerRecord<>(topic, user, new JsonObject().put("user", user).put("payload", new JsonObject().put("n", n)).encode())));
        }
        if (n % 2 == 1) Thread.sleep(100); // pacing the load, not waiting for an event
      }
      for (java.util.concurrent.Future<?> f : acks) f.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("producing to " + topic, e);
    }
  }

  private static long lastSeq(VPushProcess node, String user) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.uri("/api/v1/users/" + user))
        .header("Authorization", "Bearer " + TestNode.API_KEY).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body()).getLong("lastSeq");
  }

  private static String token(Vertx vertx, VPushConfig tokens, String user) {
    return TokenMinter.mint(vertx, tokens, user, 3600, List.of(), List.of());
  }

  private static String counter(String metrics, String series) {
    Matcher m = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
    return m.find() ? m.group(1) : "0";
  }
}
