package io.vpush.client;

/**
 * The client's seq bookkeeping, O(1): the highest seq processed ({@code lastSeq}) decides whether a message is new,
 * a duplicate, or follows a jump that a sync must fill first. Pure logic.
 */
public final class SeqGate {
  /** What to do with a received seq. */
  public enum Verdict {
    /** The next one: hand it to the app. */
    DELIVER,
    /** Already processed: drop it, ack again. */
    DUPLICATE,
    /** Seqs are missing before it: sync from lastSeq first. */
    JUMP
  }

  private long lastSeq;
  private boolean known;

  /** @param lastSeq the stored lastSeq, or a negative value when none is stored (the first seq is then the baseline) */
  public SeqGate(long lastSeq) {
    this.known = lastSeq >= 0;
    this.lastSeq = Math.max(0, lastSeq);
  }

  public Verdict classify(long seq) {
    if (!known) return Verdict.DELIVER;
    if (seq <= lastSeq) return Verdict.DUPLICATE;
    return seq == lastSeq + 1 ? Verdict.DELIVER : Verdict.JUMP;
  }

  /** True when {@code seq} is new (after lastSeq, or anything while no lastSeq is known). */
  public boolean isNew(long seq) {
    return !known || seq > lastSeq;
  }

  /** {@code seq}'s handler returned. */
  public void processed(long seq) {
    if (!known || seq > lastSeq) lastSeq = seq;
    known = true;
  }

  /** The server lost its state (the memory engine restarted): its seqs start again from {@code serverLastSeq}. */
  public void resetTo(long serverLastSeq) {
    lastSeq = serverLastSeq;
    known = true;
  }

  public boolean known() {
    return known;
  }

  public long lastSeq() {
    return lastSeq;
  }
}
