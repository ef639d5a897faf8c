package io.vpush.store.redis;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one warning through per interval and counts the ones it held back, so that a failure repeated by every publish
 * (a user whose keys Redis refuses, published to under load) cannot flood the log.
 */
final class LogThrottle {

  private final long intervalMs;
  // Far in the past, but not so far that now - last overflows.
  private final AtomicLong last = new AtomicLong(Long.MIN_VALUE / 2);
  private final AtomicLong held = new AtomicLong();

  LogThrottle(long intervalMs) {
    this.intervalMs = intervalMs;
  }

  /** -1 when this warning is held back; otherwise how many were held back since the last one let through. */
  long admit(long nowMs) {
    long prev = last.get();
    if (nowMs - prev < intervalMs || !last.compareAndSet(prev, nowMs)) {
      held.incrementAndGet();
      return -1;
    }
    return held.getAndSet(0);
  }
}
