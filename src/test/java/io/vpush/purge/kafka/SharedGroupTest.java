package io.vpush.purge.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.store.InboxPage;
import io.vpush.store.StoredMessage;
import io.vpush.testing.Deliveries;
import io.vpush.testing.KafkaBroker;
import io.vpush.testing.NeedsKafka;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two purge nodes on one Redis share the topic: the second joins mid-stream, partitions move (the first commits
 * what it finished inside the rebalance), and every user's inbox holds each record once, in produce order.
 */
@NeedsKafka
@NeedsRedis
class SharedGroupTest {

  private static final int USERS = 20;
  private static final int FIRST_ROUNDS = 20;
  private static final int MAX_ROUNDS = 600;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aSecondPurgeNodeJoiningMidStreamTakesPartitionsWithoutLossReorderOrRenumbering() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    Vertx vertx = Vertx.vertx();
    List<WsTestClient> clients = new ArrayList<>();
    TestNode first = null;
    TestNode second = null;
    try (RedisServer redis = RedisServer.start()) {
      VPushConfig config = TestNode.kafkaConfig(broker.bootstrap(), "shared" + System.nanoTime(),
          Map.<Setting<?>, Object>of(Settings.STORE, "redis", Settings.REDIS_URL, List.of(redis.url())));
      String topic = config.get(Settings.KAFKA_TOPIC);
      broker.createTopic(topic, 4);
      first = TestNode.start(vertx, config);
      List<String> users = IntStream.range(0, USERS).mapToObj(u -> "g" + u).toList();
      Progress progress = new Progress();
      CountDownLatch secondDelivered = new CountDownLatch(1);

      // Each user has a client on each node: a message is delivered live by the node that accepted it.
      for (String user : users) {
        Deliveries c = new Deliveries(user, "one");
        clients.add(first.connectAcking(c.onProcessed(() -> progress.seen(user, c.lastSeq())), WAIT));
      }
      try (KafkaProducer<String, String> producer = KafkaTesting.producer(broker.bootstrap())) {
        for (int n = 0; n < FIRST_ROUNDS; n++) round(producer, topic, users, n);
        producer.flush();
        progress.awaitTotal(USERS * FIRST_ROUNDS / 2);

        second = TestNode.start(vertx, config);
        for (String user : users) {
          Deliveries c = new Deliveries(user, "two");
          clients.add(second.connectAcking(c.onProcessed(() -> {
            progress.seen(user, c.lastSeq());
            secondDelivered.countDown();
          }), WAIT));
        }
        // Keep producing, a round per 50 ms (pacing, not waiting), until the second node got partitions and accepted some.
        int rounds = FIRST_ROUNDS;
        int extra = 10;
        while (extra > 0) {
          assertThat(rounds).as("the second node never accepted a record").isLessThan(MAX_ROUNDS);
          round(producer, topic, users, rounds++);
          if (secondDelivered.getCount() == 0) extra--;
          Thread.sleep(50);
        }
        producer.flush();
        progress.awaitTotal(USERS * rounds);

        for (String user : users) {
          InboxPage page = first.node().store().read(user, 0, 1_000).await();
          assertThat(page.messages()).extracting(StoredMessage::seq).as(user)
              .containsExactlyElementsOf(LongStream.rangeClosed(1, rounds).boxed().toList());
          assertThat(page.messages()).extracting(m -> new JsonObject(m.payload()).getInteger("n")).as(user + " in produce order")
              .containsExactlyElementsOf(IntStream.range(0, rounds).boxed().toList());
        }
      }
    } finally {
      clients.forEach(WsTestClient::close);
      if (second != null) second.close();
      if (first != null) first.close();
      vertx.close().await();
    }
  }

  private static void round(KafkaProducer<String, String> producer, String topic, List<String> users, int n) {
    for (String u : users) {
      producer.send(new ProducerRecord<>(topic, u, new JsonObject().put("user", u).put("payload", new JsonObject().put("n", n)).encode()));
    }
  }

  /** Distinct seqs seen per user, over both clients of the user. */
  private static final class Progress {
    private final Map<String, Set<Long>> seen = new HashMap<>();
    private int total;

    synchronized void seen(String user, long seq) {
      if (seen.computeIfAbsent(user, u -> new HashSet<>()).add(seq)) total++;
      notifyAll();
    }

    synchronized void awaitTotal(int n) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (total < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("saw " + total + " of " + n + " messages");
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }
}
