package io.vpush.batch;

/**
 * When a {@link Batcher}'s batch leaves: {@code windowMs} after its first item (0: at the end of the event-loop turn
 * that queued it), or at once when it holds {@code maxItems} items or {@code maxWeight} of weight.
 */
public record BatchLimits(long windowMs, int maxItems, long maxWeight) {

  public BatchLimits {
    if (windowMs < 0) throw new IllegalArgumentException("windowMs must not be negative");
    if (maxItems < 1) throw new IllegalArgumentException("maxItems must be at least 1");
    if (maxWeight < 1) throw new IllegalArgumentException("maxWeight must be at least 1");
  }

  /** A batch per event-loop turn, of at most {@code maxItems}. */
  public static BatchLimits perTurn(int maxItems) {
    return new BatchLimits(0, maxItems, Long.MAX_VALUE);
  }

  /** A batch per window of {@code windowMs}, of at most {@code maxItems}. */
  public static BatchLimits window(long windowMs, int maxItems) {
    return new BatchLimits(windowMs, maxItems, Long.MAX_VALUE);
  }

  /** These limits with a maximum weight per batch. */
  public BatchLimits maxWeight(long max) {
    return new BatchLimits(windowMs, maxItems, max);
  }
}
