package io.vpush.limit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A rate with a burst ({@code rate} events per second on average, {@code burst} at once), shared by every {@link Bucket}
 * that counts against it; time is an argument, in nanoseconds of any monotonic clock.
 *
 * <p>The buckets follow the generic cell rate algorithm (GCRA), the token bucket written as one number: a bucket keeps
 * only the time at which it would be empty again, so a connection pays one {@code long} for each of its limits, and the
 * rule (two {@code long}s) is the node's. Written here, not taken from a library (bucket4j and Guava's RateLimiter
 * keep several fields and locks per bucket), because it is per connection, and every byte that grows with connections
 * counts (docs/benchmarks.md, idle). A node-wide limit takes a {@link SharedBucket} instead, safe from any thread.
 */
public final class RateLimit {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double ratePerSecond;
  private final int burst;
  /** Time one event takes off the bucket. */
  private final long intervalNanos;
  /** How far ahead of now a bucket may run: the burst beyond the first event. */
  private final long toleranceNanos;

  private RateLimit(double ratePerSecond, int burst) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number of events per second: " + ratePerSecond);
    }
    if (burst < 1) throw new IllegalArgumentException("burst must be at least 1: " + burst);
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.intervalNanos = Math.max(1, Math.round(NANOS_PER_SECOND / ratePerSecond));
    this.toleranceNanos = intervalNanos * (burst - 1L);
  }

  /** {@code ratePerSecond} events per second on average, up to {@code burst} of them at once. */
  public static RateLimit perSecond(double ratePerSecond, int burst) {
    return new RateLimit(ratePerSecond, burst);
  }

  public double ratePerSecond() {
    return ratePerSecond;
  }

  public int burst() {
    return burst;
  }

  /** A new, full bucket. */
  public Bucket newBucket() {
    return new Bucket();
  }

  /** A new, full bucket that any thread may take from (a node-wide limit). */
  public SharedBucket newSharedBucket() {
    return new SharedBucket();
  }

  // The arithmetic of both kinds of bucket, on the one number a bucket keeps.

  /** Where the next event starts from: now, or when the bucket empties if that is later. */
  private static long from(long emptyUntil, long nowNanos) {
    return emptyUntil == Long.MIN_VALUE || emptyUntil < nowNanos ? nowNanos : emptyUntil;
  }

  private long waitNanos(long emptyUntil, long nowNanos) {
    if (emptyUntil == Long.MIN_VALUE) return 0;
    return Math.max(0, emptyUntil - toleranceNanos - nowNanos);
  }

  private long retryAfterSeconds(long emptyUntil, long nowNanos) {
    long wait = waitNanos(emptyUntil, nowNanos);
    return Math.max(1, (wait + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
  }

  /** One counter against this rate (a connection's frames, an API key's publishes); not thread-safe: one owner. */
  public final class Bucket {

    /** When the bucket is full again; {@code Long.MIN_VALUE}: never used, full. */
    private long emptyUntil = Long.MIN_VALUE;

    private Bucket() {}

    /** Takes one event if the rate allows it at {@code nowNanos}; a refused event takes nothing. */
    public boolean tryTake(long nowNanos) {
      long from = from(emptyUntil, nowNanos);
      if (from - nowNanos > toleranceNanos) return false;
      emptyUntil = from + intervalNanos;
      return true;
    }

    /** How long from {@code nowNanos} until one event would be taken again (0 when it would be now). */
    public long waitNanos(long nowNanos) {
      return RateLimit.this.waitNanos(emptyUntil, nowNanos);
    }

    /** The same, in whole seconds rounded up, for a {@code Retry-After} header (at least 1). */
    public long retryAfterSeconds(long nowNanos) {
      return RateLimit.this.retryAfterSeconds(emptyUntil, nowNanos);
    }
  }

  /**
   * One counter against this rate that every thread may take from: a node-wide limit (new connections, the API key's
   * publishes) touched from every event loop. The same GCRA number as {@link Bucket}, in an {@link AtomicLong} taken by
   * compare-and-set, so the node's rate is exact whichever loop an event lands on.
   *
   * <p>One shared bucket rather than the rate split per event loop: a split refuses a loop's burst while another loop's
   * share lies idle (connections and publishes spread over loops by connection, not evenly), and a CAS on one long costs
   * nothing next to the handshake or publish it guards. It is per node, never per connection.
   */
  public final class SharedBucket {

    /** As {@link Bucket}'s {@code emptyUntil}. */
    private final AtomicLong emptyUntil = new AtomicLong(Long.MIN_VALUE);

    private SharedBucket() {}

    /** Takes one event if the rate allows it at {@code nowNanos}; a refused event takes nothing. */
    public boolean tryTake(long nowNanos) {
      while (true) {
        long seen = emptyUntil.get();
        long from = from(seen, nowNanos);
        if (from - nowNanos > toleranceNanos) return false;
        // Another thread took in between: read again and decide again.
        if (emptyUntil.compareAndSet(seen, from + intervalNanos)) return true;
      }
    }

    /** How long from {@code nowNanos} until one event would be taken again (0 when it would be now). */
    public long waitNanos(long nowNanos) {
      return RateLimit.this.waitNanos(emptyUntil.get(), nowNanos);
    }

    /** The same, in whole seconds rounded up, for a {@code Retry-After} header (at least 1). */
    public long retryAfterSeconds(long nowNanos) {
      return RateLimit.this.retryAfterSeconds(emptyUntil.get(), nowNanos);
    }
  }
}
