package io.vpush.client;

/**
 * Reconnect delays: exponential backoff with full jitter, bounded, reset once a connection has been stable.
 * Pure logic: the random draw and the time come in as arguments.
 */
public final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private final long stableMs;
  private int attempt;

  /**
   * @param baseMs the first ceiling (the delay is drawn from [0, base * 2^attempt])
   * @param maxMs the ceiling never passed
   * @param stableMs a connection that stayed up this long resets the attempts
   */
  public Backoff(long baseMs, long maxMs, long stableMs) {
    if (baseMs <= 0 || maxMs < baseMs || stableMs < 0) throw new IllegalArgumentException("bad backoff bounds");
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.stableMs = stableMs;
  }

  /** The delay before the next dial, given a uniform draw in [0, 1); each call counts one attempt. */
  public long nextDelayMs(double random) {
    long ceiling = ceilingMs(attempt);
    if (attempt < 62) attempt++;
    return (long) (Math.max(0, Math.min(random, 1.0)) * ceiling);
  }

  /** The jitter ceiling of attempt {@code n}: base * 2^n, capped at max. */
  public long ceilingMs(int n) {
    if (n >= 62) return maxMs;
    long c = baseMs << n;
    return (c <= 0 || (c >> n) != baseMs || c > maxMs) ? maxMs : c;
  }

  /** A connection that was up from {@code upSinceMs} ended at {@code nowMs}: resets the attempts if it was stable. */
  public void connectionEnded(long upSinceMs, long nowMs) {
    if (nowMs - upSinceMs >= stableMs) attempt = 0;
  }

  /** Forgets the attempts. */
  public void reset() {
    attempt = 0;
  }

  /** Attempts counted since the last reset. */
  public int attempts() {
    return attempt;
  }
}
