package io.vpush.testing;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.LongStream;

/**
 * What one app installation (user + clientId) received, over one or more {@link WsTestClient} connections that ack
 * each user message as it arrives (protocol.md sections 3-6): how many times each seq came, and, as an app would
 * process them, the seqs above its lastSeq in arrival order with their bodies; a seq not above lastSeq is dropped
 * (and still acked), a seq after a hole is noted as a problem.
 */
public final class Deliveries {

  private final String user;
  private final String clientId;
  private final Map<Long, Integer> counts = new TreeMap<>();
  private final List<Long> processed = new ArrayList<>();
  private final List<Object> bodies = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private long lastSeq;
  private int dropped;
  private Runnable onProcessed = () -> { };

  /** A fresh installation: it has processed nothing, so it registers with lastSeq 0. */
  public Deliveries(String user, String clientId) {
    this(user, clientId, 0);
  }

  /** An installation that already processed every seq up to {@code lastSeq} (on an earlier connection's tally). */
  public Deliveries(String user, String clientId, long lastSeq) {
    this.user = user;
    this.clientId = clientId;
    this.lastSeq = lastSeq;
  }

  public String user() { return user; }
  public String clientId() { return clientId; }

  /** Runs {@code hook} (on the socket's event loop, so it must not block) each time a new seq is processed. */
  public synchronized Deliveries onProcessed(Runnable hook) {
    onProcessed = hook;
    return this;
  }

  /** Tallies one user message (called on the socket's thread); returns the seq to ack cumulatively. */
  synchronized long record(long seq, Object body) {
    counts.merge(seq, 1, Integer::sum);
    if (seq <= lastSeq) {
      dropped++; // already processed: drop, but ack so the server stops re-sending
    } else {
      if (seq != lastSeq + 1) problems.add("seq " + seq + " after " + lastSeq);
      lastSeq = seq;
      processed.add(seq);
      bodies.add(body);
      onProcessed.run();
    }
    notifyAll();
    return lastSeq;
  }

  /** Notes something no app should see (an error frame that answers no request). */
  synchronized void problem(String what) {
    problems.add(what);
  }

  // --- as the app processed them ---

  /** The seqs processed, in arrival order. */
  public synchronized List<Long> processed() { return List.copyOf(processed); }
  /** The bodies of the processed seqs, in the same order (for tests that publish object payloads). */
  public synchronized List<JsonObject> bodies() { return bodies.stream().map(b -> (JsonObject) b).toList(); }
  /** Seqs that arrived after a hole (a lost message, without device filters or expiry). */
  public synchronized List<String> problems() { return List.copyOf(problems); }
  /** How many messages were dropped because their seq was not above lastSeq (copies, or late after a hole). */
  public synchronized int dropped() { return dropped; }
  /** The highest seq processed (what the app registers with when it reconnects). */
  public synchronized long lastSeq() { return lastSeq; }

  // --- every arrival ---

  /** Every seq that arrived, with how many times it came. */
  public synchronized Map<Long, Integer> counts() { return new TreeMap<>(counts); }

  /** Seqs that arrived more than once. */
  public synchronized List<Long> duplicates() {
    return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
  }

  public synchronized int distinct() { return counts.size(); }

  /** The highest seq s such that 1..s all arrived. */
  public synchronized long contiguous() {
    long s = 0;
    while (counts.containsKey(s + 1)) s++;
    return s;
  }

  // --- waiting ---

  /** Waits until {@code n} seqs were processed. */
  public void awaitProcessed(int n, Duration timeout) {
    await(d -> d.processed.size() >= n, n + " messages processed", timeout);
  }

  /** Waits until every seq in {@code from..to} arrived. */
  public void awaitRange(long from, long to, Duration timeout) {
    await(d -> LongStream.rangeClosed(from, to).allMatch(d.counts::containsKey), "seqs " + from + ".." + to, timeout);
  }

  /** Waits (woken by each message) until {@code done} holds; {@code what} names it in the failure. */
  public synchronized void await(Predicate<Deliveries> done, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(this)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError(user + "/" + clientId + ": no " + what + " within " + timeout
          + " (processed " + processed.size() + ", lastSeq " + lastSeq + ", seqs 1.." + contiguous() + " of " + counts.size() + " distinct)");
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
