package io.vpush.store.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The publish stream of the durability tests: messages {@code 0..n-1} to users in turn from a pool of publishers, each
 * retried with its id after a 503 until answered 202, as a well-behaved publisher does; any other answer fails it.
 */
final class PublishStream {

  private final TestNode node;
  private final List<String> users;
  private final int messages;
  private final String idPrefix;
  private final ExecutorService pool;
  private final List<Future<?>> running = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final Map<String, Map<Integer, Long>> accepted = new ConcurrentHashMap<>();
  /** {sent, answered} nanos of each 202, to tell how long after an event the first publish sent after it took. */
  private final ConcurrentLinkedQueue<long[]> times = new ConcurrentLinkedQueue<>();
  private int acceptedCount;
  private int refusedCount;

  PublishStream(TestNode node, List<String> users, int messages, int publishers, String idPrefix) {
    this.node = node;
    this.users = users;
    this.messages = messages;
    this.idPrefix = idPrefix;
    this.pool = Executors.newFixedThreadPool(publishers);
    for (int p = 0; p < publishers; p++) running.add(pool.submit(this::publishLoop));
  }

  private Void publishLoop() {
    for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
      String user = users.get(i % users.size());
      JsonObject body = new JsonObject().put("user", user).put("id", idPrefix + i).put("payload", new JsonObject().put("i", i));
      long sent = System.nanoTime();
      long seq = publishRetrying(node, body, this::onRefused);
      times.add(new long[] {sent, System.nanoTime()});
      accepted.computeIfAbsent(user, k -> new ConcurrentHashMap<>()).put(i, seq);
      synchronized (this) {
        acceptedCount++;
        notifyAll();
      }
    }
    return null;
  }

  private synchronized void onRefused() {
    refusedCount++;
    notifyAll();
  }

  /** Publishes {@code body} until answered 202 (each 503 runs {@code onRefused}); returns its seq. */
  static long publishRetrying(TestNode node, JsonObject body, Runnable onRefused) {
    while (true) {
      TestNode.Response r = node.publish(body);
      if (r.status() == 202) return r.json().getLong("seq");
      assertThat(r.status()).as("%s", r).isEqualTo(503);
      assertThat(r.json().getString("error")).isEqualTo("unavailable");
      onRefused.run();
      pauseBeforeRetry();
    }
  }

  /** A publisher's backoff before retrying a 503 (what a well-behaved client does; not a wait for an event). */
  private static void pauseBeforeRetry() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits (woken by each answer) until {@code n} messages were answered 202. */
  void awaitAccepted(int n, Duration timeout) throws InterruptedException {
    await(s -> s.acceptedCount >= n, n + " publishes answered 202", timeout);
  }

  /** Waits (woken by each answer) until {@code n} publishes were refused with 503. */
  void awaitRefused(int n, Duration timeout) throws InterruptedException {
    await(s -> s.refusedCount >= n, n + " refusals", timeout);
  }

  private synchronized void await(Predicate<PublishStream> done, String what, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(this)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("no " + what + " within " + timeout + " (" + acceptedCount + " accepted, " + refusedCount + " refused)");
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Waits until every message was answered 202 and stops the publishers. */
  void awaitDone(Duration timeout) throws Exception {
    for (Future<?> f : running) f.get(timeout.toSeconds(), TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(accepted()).isEqualTo(messages);
  }

  /** For each user, message number to the seq its 202 answered. */
  Map<Integer, Long> acceptedFor(String user) {
    return accepted.getOrDefault(user, Map.of());
  }

  synchronized int accepted() {
    return acceptedCount;
  }

  synchronized int refused() {
    return refusedCount;
  }

  /** Milliseconds from {@code event} (nanoTime) to the 202 of the first publish sent after it, or -1. */
  long firstAcceptedAfterMs(long event) {
    return times.stream().filter(t -> t[0] > event).mapToLong(t -> t[1]).min().stream()
        .map(answered -> (answered - event) / 1_000_000).findFirst().orElse(-1);
  }
}
