package io.vpush.access;

import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Puts one connection's messages in seq order: the catch-up read from the inbox and the live stream meet
 * here, and each seq passes at most once, with no seq skipped that the store still holds.
 *
 * <p>Every message reaches the store before it is dispatched, so a live message that leaves a hole after
 * the cursor means the hole is in the store: the gate holds the live message and asks for a read. A held
 * message that was already held when a read started was in the store when the read started, and so were
 * all seqs before it; once that read is complete, every retained seq up to it has been read, and what is
 * still missing is gone (expired or trimmed). That is the {@code fence}. Not thread-safe: one event loop.
 *
 * @param <T> the message type
 */
final class SeqGate<T> {

  private final ToLongFunction<T> seqOf;
  private long cursor;
  private boolean reading;
  private long fence;
  /** The highest seq of held messages let go by {@link #shed()}, 0 when none: they are in the store. */
  private long shedUpTo;
  private PriorityQueue<T> held;

  /** A gate that starts reading (catch-up) from {@code cursor}: the caller calls {@link #beginRead()} then reads. */
  SeqGate(long cursor, ToLongFunction<T> seqOf) {
    this.cursor = cursor;
    this.seqOf = seqOf;
    this.reading = true;
  }

  /** The highest seq passed (delivered, or known to be gone). */
  long cursor() {
    return cursor;
  }

  boolean reading() {
    return reading;
  }

  /**
   * A live message. Delivers it when it is the next seq, drops it when already passed, otherwise holds it.
   *
   * @return true when the caller must start a read ({@link #beginRead()}, then read after {@link #cursor()})
   */
  boolean offer(T message, Consumer<T> deliver) {
    long seq = seqOf.applyAsLong(message);
    if (seq <= cursor) return false;
    if (!reading && seq == cursor + 1) {
      cursor = seq;
      deliver.accept(message);
      return false;
    }
    hold(message);
    if (reading) return false;
    reading = true;
    return true;
  }

  /** Marks the start of a read: every message held now, or shed before now, is behind the fence. */
  void beginRead() {
    reading = true;
    fence = Math.max(fence, shedUpTo);
    if (held != null) {
      for (T m : held) fence = Math.max(fence, seqOf.applyAsLong(m));
    }
  }

  /**
   * Lets go of every held message, to bound what a long catch-up holds: each one was stored before it was offered, so
   * reads bring it back. A read that began before the shed cannot have them all, so its completion asks for one more.
   */
  void shed() {
    if (held == null) return;
    for (T m : held) shedUpTo = Math.max(shedUpTo, seqOf.applyAsLong(m));
    held.clear();
  }

  /**
   * A page read from the store (seq greater than {@link #cursor()} at read start, in order).
   *
   * @param more whether the store has more after this page
   * @return true when another read is needed ({@link #beginRead()} then read again)
   */
  boolean onPage(List<T> page, boolean more, Consumer<T> deliver) {
    for (T m : page) {
      long seq = seqOf.applyAsLong(m);
      if (seq > cursor) {
        cursor = seq;
        deliver.accept(m);
      }
    }
    if (more) return true;
    // The read is complete: whatever is missing up to the fence is gone from the store.
    if (fence > cursor) {
      drainHeld(fence, deliver);
      cursor = Math.max(cursor, fence);
    }
    drainHeld(Long.MIN_VALUE, deliver);
    if ((held != null && !held.isEmpty()) || shedUpTo > cursor) return true;
    reading = false;
    return false;
  }

  /** Delivers held messages in order: all up to {@code through}, then those that follow without a hole. */
  private void drainHeld(long through, Consumer<T> deliver) {
    while (held != null && !held.isEmpty()) {
      T next = held.peek();
      long seq = seqOf.applyAsLong(next);
      if (seq <= cursor) {
        held.poll();
      } else if (seq <= through || seq == cursor + 1) {
        held.poll();
        cursor = seq;
        deliver.accept(next);
      } else {
        return;
      }
    }
  }

  private void hold(T message) {
    if (held == null) held = new PriorityQueue<>(8, (a, b) -> Long.compare(seqOf.applyAsLong(a), seqOf.applyAsLong(b)));
    held.add(message);
  }

  /** Messages held now. */
  int heldCount() {
    return held == null ? 0 : held.size();
  }
}
