package io.vpush.client.chaos;

import io.vpush.client.VPushPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The business side of the chaos test: {@code perUser} messages to every user at a paced rate, even ones over HTTP
 * (the Java SDK's {@link VPushPublisher}, whose retries keep the id) and odd ones over Kafka (key = user). Each
 * message has the id {@code <user>-<n>}; an accepted one (2xx, Kafka ack) is recorded in the audit.
 */
final class PublishStream implements AutoCloseable {
  private final List<String> users;
  private final int perUser;
  private final int perSecond;
  private final SeqAudit audit;
  private final String kafkaTopic;
  private final VPushPublisher http;
  private final KafkaProducer<String, String> kafka;
  private final ExecutorService httpThreads = Executors.newFixedThreadPool(16);
  private final Semaphore httpInFlight = new Semaphore(64);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread thread;

  PublishStream(ChaosCluster cluster, List<String> users, int perUser, int perSecond, SeqAudit audit) {
    this.users = users;
    this.perUser = perUser;
    this.perSecond = perSecond;
    this.audit = audit;
    this.kafkaTopic = cluster.kafkaTopic;
    // Enough attempts to outlast a 3 s Redis pause (the backoff doubles up to 2 s).
    this.http = VPushPublisher.builder().url(cluster.publishUrl()).apiKey(ChaosCluster.API_KEY).maxAttempts(20)
        .backoff(Duration.ofMillis(50), Duration.ofSeconds(2)).callTimeout(Duration.ofSeconds(10)).build();
    this.kafka = new KafkaProducer<>(Map.of("bootstrap.servers", cluster.kafkaBootstrap(), "acks", "all", "linger.ms", 5,
        "enable.idempotence", true), new StringSerializer(), new StringSerializer());
    this.thread = new Thread(this::run, "publish-stream");
  }

  void start() {
    thread.start();
  }

  /** The share of the stream handed to HTTP or Kafka so far, 0..1. */
  double progress() {
    return sent.get() / (double) total();
  }

  long total() {
    return (long) perUser * users.size();
  }

  /** Publishes that failed for good (after every retry): not accepted, so not expected; the test wants none. */
  long failed() {
    return failed.get();
  }

  /** Waits until every message was sent and answered. */
  void await(Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
    httpThreads.shutdown();
    if (!httpThreads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("HTTP publishes still running");
    kafka.flush();
  }

  private void run() {
    long start = System.nanoTime();
    for (int n = 0; n < perUser; n++) {
      for (String user : users) {
        String id = user + "-" + n;
        if (n % 2 == 0) http(user, id, n);
        else kafka(user, id, n);
        // Paced: the chaos lands while the stream runs, not after it.
        long due = start + sent.incrementAndGet() * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
      }
    }
  }

  private void http(String user, String id, int n) {
    httpInFlight.acquireUninterruptibly();
    httpThreads.execute(() -> {
      try {
        http.publish(user, id, Map.of("n", n, "door", "http"));
        audit.accepted(user, id);
      } catch (Exception e) {
        failed.incrementAndGet();
      } finally {
        httpInFlight.release();
      }
    });
  }

  private void kafka(String user, String id, int n) {
    String value = "{\"user\":\"" + user + "\",\"id\":\"" + id + "\",\"payload\":{\"n\":" + n + ",\"door\":\"kafka\"}}";
    kafka.send(new ProducerRecord<>(kafkaTopic, user, value), (meta, e) -> {
      if (e == null) audit.accepted(user, id);
      else failed.incrementAndGet();
    });
  }

  @Override
  public void close() {
    httpThreads.shutdownNow();
    kafka.close(Duration.ofSeconds(10));
  }
}
