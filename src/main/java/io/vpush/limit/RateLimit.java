package io.vpush.limit;

/**
 * A rate with a burst ({@code rate} events per second on average, {@code burst} at once), shared by every {@link Bucket}
 * that counts against it; time is an argument, in nanoseconds of any monotonic clock.
 *
 * <p>The buckets follow the generic cell rate algorithm (GCRA), the token bucket written as one number: a bucket keeps
 * only the time at which it would be empty again, so a connection pays one {@code long} for each of its limits, and the
 * rule (two {@code long}s) is the node's. Written here, not taken from a library (bucket4j and Guava's RateLimiter
 * keep several fields and locks per bucket), because it is per connection, and every byte that grows with connections
 * counts (docs/benchmarks.md, idle).
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

  /** One counter against this rate (a connection's frames, an API key's publishes); not thread-safe: one owner. */
  public final class Bucket {

    /** When the bucket is full again; {@code Long.MIN_VALUE}: never used, full. */
    private long emptyUntil = Long.MIN_VALUE;

    private Bucket() {}

    /** Takes one event if the rate allows it at {@code nowNanos}; a refused event takes nothing. */
    public boolean tryTake(long nowNanos) {
      long from = emptyUntil == Long.MIN_VALUE || emptyUntil < nowNanos ? nowNanos : emptyUntil;
      if (from - nowNanos > toleranceNanos) return false;
      emptyUntil = from + intervalNanos;
      return true;
    }

    /** How long from {@code nowNanos} until one event would be taken again (0 when it would be now). */
    public long waitNanos(long nowNanos) {
      if (emptyUntil == Long.MIN_VALUE) return 0;
      return Math.max(0, emptyUntil - toleranceNanos - nowNanos);
    }

    /** The same, in whole seconds rounded up, for a {@code Retry-After} header (at least 1). */
    public long retryAfterSeconds(long nowNanos) {
      long wait = waitNanos(nowNanos);
      return Math.max(1, (wait + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
    }
  }
}
