package io.vpush.auth;

/**
 * When the JWKS is fetched: every refresh period after a good fetch, every minimum interval after a failed one (or
 * before the first success), and for a token naming an unknown kid at most once per minimum interval, so that a
 * client spraying made-up kids cannot make the node hammer the JWKS server. Time is an argument (nanos); not
 * thread-safe (its owner serialises calls).
 */
final class JwksSchedule {

  private final long refreshNanos;
  private final long minIntervalNanos;
  private boolean attempted;
  private long lastAttempt;
  private boolean lastSucceeded;

  JwksSchedule(long refreshNanos, long minIntervalNanos) {
    this.refreshNanos = refreshNanos;
    this.minIntervalNanos = minIntervalNanos;
  }

  /** Whether an unknown kid seen at {@code now} may start a fetch. */
  boolean mayFetchForUnknownKid(long now) {
    return !attempted || now - lastAttempt >= minIntervalNanos;
  }

  /** A fetch started at {@code now}. */
  void started(long now) {
    attempted = true;
    lastAttempt = now;
  }

  /** A fetch ended; returns the delay until the next periodic fetch. */
  long ended(boolean succeeded) {
    lastSucceeded = succeeded;
    return nextDelay();
  }

  /** The delay until the next periodic fetch, after the last one's outcome. */
  long nextDelay() {
    return lastSucceeded ? refreshNanos : minIntervalNanos;
  }
}
