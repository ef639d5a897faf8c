package io.vpush.access;

import io.vpush.access.InboundLimits.Verdict;
import io.vpush.limit.RateLimit;

/**
 * One connection's buckets against the node's {@link InboundLimits}; time in nanoseconds as an argument. Each bucket is
 * made on first use (most connections never send upstream and are never refused), so an idle connection pays one
 * object with one bucket. Not thread-safe: touched only from the connection's event loop.
 */
final class InboundBudget {

  private RateLimit.Bucket frames;
  private RateLimit.Bucket upstream;
  private RateLimit.Bucket refusals;

  /** A client frame of any kind arrived. */
  Verdict frame(InboundLimits limits, long nowNanos) {
    if (frames == null) frames = limits.frames().newBucket();
    return frames.tryTake(nowNanos) ? Verdict.ACCEPT : refuse(limits, nowNanos);
  }

  /** A {@code vpush.upstream} message arrived (its frame was accepted by {@link #frame}). */
  Verdict upstream(InboundLimits limits, long nowNanos) {
    if (upstream == null) upstream = limits.upstream().newBucket();
    return upstream.tryTake(nowNanos) ? Verdict.ACCEPT : refuse(limits, nowNanos);
  }

  private Verdict refuse(InboundLimits limits, long nowNanos) {
    if (refusals == null) refusals = limits.refusals().newBucket();
    return refusals.tryTake(nowNanos) ? Verdict.REFUSE : Verdict.CLOSE;
  }
}
