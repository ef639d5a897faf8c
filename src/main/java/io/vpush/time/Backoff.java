package io.vpush.time;

import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

/** The re-send schedule of unacked messages (protocol.md section 6): a first wait, doubling after each re-send, capped. */
public final class Backoff {

  private final long ackTimeoutMs;
  private final long maxBackoffMs;
  private final int maxRetries;

  public Backoff(long ackTimeoutMs, long maxBackoffMs, int maxRetries) {
    if (ackTimeoutMs <= 0 || maxBackoffMs <= 0) {
      throw new IllegalArgumentException("ack timeout and max backoff must be positive: " + ackTimeoutMs + ", " + maxBackoffMs);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
    }
    this.ackTimeoutMs = ackTimeoutMs;
    this.maxBackoffMs = maxBackoffMs;
    this.maxRetries = maxRetries;
  }

  /** The schedule configured by ack.timeoutMs, ack.maxBackoffMs and ack.maxRetries. */
  public static Backoff of(VPushConfig config) {
    return new Backoff(config.get(Settings.ACK_TIMEOUT_MS), config.get(Settings.ACK_MAX_BACKOFF_MS),
        config.get(Settings.ACK_MAX_RETRIES));
  }

  /**
   * The wait before the given re-send (1-based), measured from the previous send: ackTimeout * 2^(n-1), capped at
   * maxBackoff. With the defaults: 5000, 10000, 20000, 40000, 60000, 60000, ...
   */
  public long delayBeforeResend(int resendNumber) {
    if (resendNumber < 1) {
      throw new IllegalArgumentException("re-sends are numbered from 1: " + resendNumber);
    }
    int doublings = resendNumber - 1;
    // Shifting would overflow long long before any sane cap; compare against the cap shifted back instead.
    if (doublings >= 62 || ackTimeoutMs > (maxBackoffMs >> doublings)) {
      return maxBackoffMs;
    }
    return Math.min(ackTimeoutMs << doublings, maxBackoffMs);
  }

  public int maxRetries() {
    return maxRetries;
  }

  public long ackTimeoutMs() {
    return ackTimeoutMs;
  }

  public long maxBackoffMs() {
    return maxBackoffMs;
  }

  @Override
  public String toString() {
    return "Backoff[ackTimeoutMs=" + ackTimeoutMs + ", maxBackoffMs=" + maxBackoffMs + ", maxRetries=" + maxRetries + "]";
  }
}
