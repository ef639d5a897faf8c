package io.vpush.client;

/**
 * Cumulative ack batching: processed seqs are acked as one {@code vpush.ack} with the highest seq, at most every
 * {@code intervalMs} or as soon as {@code maxCount} seqs are waiting. Pure logic: time comes in as an argument.
 */
public final class AckBatcher {
  private final long intervalMs;
  private final int maxCount;
  private long pendingSeq = -1;
  private long ackedSeq = -1;
  private int pendingCount;
  private long firstPendingAtMs;

  public AckBatcher(long intervalMs, int maxCount) {
    if (intervalMs < 0 || maxCount < 1) throw new IllegalArgumentException("bad ack batching bounds");
    this.intervalMs = intervalMs;
    this.maxCount = maxCount;
  }

  /** {@code seq} was processed (its handler returned) at {@code nowMs}; true when the batch should go now. */
  public boolean processed(long seq, long nowMs) {
    // A re-sent duplicate passes the lastSeq again: the server wants an ack (the last one may have been lost), and
    // a cumulative ack at or below the server's cursor is harmless (the cursor never moves back).
    pendingSeq = Math.max(pendingSeq, seq);
    if (pendingCount++ == 0) firstPendingAtMs = nowMs;
    return pendingCount >= maxCount || intervalMs == 0;
  }

  /** When the waiting batch is due (epoch ms), or -1 when nothing waits. */
  public long dueAtMs() {
    return pendingSeq < 0 ? -1 : firstPendingAtMs + intervalMs;
  }

  /** True when a batch waits and is due at {@code nowMs}. */
  public boolean isDue(long nowMs) {
    return pendingSeq >= 0 && nowMs >= dueAtMs();
  }

  /** Takes the seq to ack now (the batch is then empty), or -1 when nothing waits. */
  public long take() {
    long s = pendingSeq;
    if (s >= 0) ackedSeq = Math.max(ackedSeq, s);
    pendingSeq = -1;
    pendingCount = 0;
    return s;
  }

  /** The highest seq handed out by {@link #take()}, or -1. */
  public long ackedSeq() {
    return ackedSeq;
  }
}
