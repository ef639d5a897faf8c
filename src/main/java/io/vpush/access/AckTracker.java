package io.vpush.access;

import io.vpush.time.Backoff;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Per-connection bookkeeping of messages sent and not yet acked, with their re-send deadlines (pure, single-threaded).
 *
 * <p>Structure. Messages sit in one ring buffer in seq order (parallel arrays of seq, deadline and item, so a tracked
 * message costs about 20 bytes plus its item). A message's re-send count is not stored: all messages share one
 * schedule, so a message sent earlier is always re-sent no later than one sent after it, which means re-send counts
 * never increase along the buffer. The buffer is therefore cut into contiguous cohorts, one per re-send count
 * (most re-sent first), and within a cohort deadlines grow with seq, because each member's deadline is the time it
 * joined the cohort plus the same wait. So the earliest deadline is the minimum of the cohorts' first deadlines
 * ({@link #nextDeadline()} costs O(maxRetries), not O(size)), due messages are a prefix of each cohort, and a
 * re-send just moves the boundary between two neighbouring cohorts by one. Given-up messages always come off the
 * front of the buffer, and acks are cumulative, so nothing is ever removed from the middle.
 *
 * <p>Times passed in must not go backwards; a smaller time than seen before is treated as the latest time seen. The
 * callbacks of {@link #collectDue} must not call back into this tracker.
 */
public final class AckTracker<T> {

  private static final long[] NO_LONGS = new long[0];
  private static final Object[] NO_ITEMS = new Object[0];
  /** Capacity kept after the tracker empties; larger buffers are released so idle connections stay small. */
  private static final int KEEP_CAPACITY = 16;

  private final Backoff backoff;
  private final int maxRetries;
  /**
   * cohortStart[a] is the buffer index of the first message re-sent exactly a times; that cohort ends where cohort
   * a - 1 starts (cohort 0 ends at tail). cohortStart[maxRetries] is always head. Indices are absolute and only grow;
   * the array index is index & (capacity - 1).
   */
  private final long[] cohortStart;
  private long head;
  private long tail;
  private long[] seqs = NO_LONGS;
  private long[] deadlines = NO_LONGS;
  private Object[] items = NO_ITEMS;
  private long highestAcked;
  private long latestNow = Long.MIN_VALUE;
  private boolean collecting;

  public AckTracker(Backoff backoff) {
    this(backoff, 0);
  }

  /** A tracker for a client that has already acked everything up to highestAcked (e.g. its cursor when it connects). */
  public AckTracker(Backoff backoff, long highestAcked) {
    this.backoff = backoff;
    this.maxRetries = backoff.maxRetries();
    this.cohortStart = new long[maxRetries + 1];
    this.highestAcked = highestAcked;
  }

  /**
   * Records that message `seq` (payload `item`, e.g. the encoded frame) was sent at nowMs; seqs are added in increasing
   * order. A seq the client has already acked is not tracked, since the client has it.
   */
  public void sent(long seq, T item, long nowMs) {
    checkNotCollecting();
    if (seq <= highestAcked) {
      return;
    }
    if (tail > head && seq <= seqs[index(tail - 1)]) {
      throw new IllegalArgumentException("seq " + seq + " is not above the last tracked seq " + seqs[index(tail - 1)]);
    }
    long now = now(nowMs);
    if (tail - head == seqs.length) {
      grow();
    }
    int i = index(tail);
    seqs[i] = seq;
    deadlines[i] = now + backoff.delayBeforeResend(1);
    items[i] = item;
    tail++; // joins cohort 0, which ends at tail
  }

  /** Cumulative ack: forgets every tracked message with seq <= ackSeq; returns how many were removed. */
  public int ack(long ackSeq) {
    return ack(ackSeq, null);
  }

  /** Cumulative ack that also hands each removed item to {@code onRemoved} (e.g. for ack latency); may be null. */
  @SuppressWarnings("unchecked")
  public int ack(long ackSeq, Consumer<T> onRemoved) {
    checkNotCollecting();
    if (ackSeq <= highestAcked) {
      return 0;
    }
    highestAcked = ackSeq;
    int removed = 0;
    while (head < tail && seqs[index(head)] <= ackSeq) {
      if (onRemoved != null) onRemoved.accept((T) items[index(head)]);
      items[index(head)] = null;
      head++;
      removed++;
    }
    for (int a = 0; a <= maxRetries; a++) {
      cohortStart[a] = Math.max(cohortStart[a], head);
    }
    releaseIfEmpty();
    return removed;
  }

  /**
   * Messages whose re-send is due at nowMs, in seq order; each returned message counts one re-send and gets its next
   * deadline (nowMs + the next wait, so a late tick never shortens the following wait). Messages that already had
   * maxRetries re-sends and whose last wait has passed are dropped (reported through `givenUp` with their seq).
   */
  public void collectDue(long nowMs, Consumer<T> resend, LongConsumer givenUp) {
    collectDuePaced(nowMs, (item, attempt) -> {
      resend.accept(item);
      return true;
    }, givenUp);
  }

  /** Takes a due message for re-sending, or declines it when there is no room now. */
  @FunctionalInterface
  public interface Resender<T> {
    /** @return false to leave this message, and every later one, due until the next collect */
    boolean resend(T item, int attempt);
  }

  /**
   * As {@link #collectDue}, telling {@code resend} which re-send (1-based) this is. {@code resend} may decline: the
   * declined message and all due messages after it stay due, unchanged, for the next collect (so a slow socket paces
   * re-sends instead of taking them all at once).
   */
  public void collectDuePaced(long nowMs, Resender<T> resend, LongConsumer givenUp) {
    checkNotCollecting();
    long now = now(nowMs);
    collecting = true;
    try {
      // Most re-sent cohort first: it holds the lowest seqs, so callbacks come in seq order.
      giveUpDue(now, givenUp);
      for (int a = maxRetries - 1; a >= 0; a--) {
        if (!resendDue(a, now, resend)) break;
      }
    } finally {
      collecting = false;
    }
    releaseIfEmpty();
  }

  /** Earliest pending deadline, or Long.MAX_VALUE when nothing is tracked; O(maxRetries). */
  public long nextDeadline() {
    long earliest = Long.MAX_VALUE;
    for (int a = 0; a <= maxRetries; a++) {
      if (cohortStart[a] < cohortEnd(a)) {
        earliest = Math.min(earliest, deadlines[index(cohortStart[a])]);
      }
    }
    return earliest;
  }

  public int size() {
    return (int) (tail - head);
  }

  public long highestAcked() {
    return highestAcked;
  }

  /** Forgets every tracked message (e.g. when the connection closes), keeping highestAcked. */
  public void clear() {
    checkNotCollecting();
    while (head < tail) {
      items[index(head++)] = null;
    }
    for (int a = 0; a <= maxRetries; a++) {
      cohortStart[a] = head;
    }
    releaseIfEmpty();
  }

  private void giveUpDue(long now, LongConsumer givenUp) {
    long end = cohortEnd(maxRetries);
    while (head < end && deadlines[index(head)] <= now) {
      int i = index(head);
      long seq = seqs[i];
      items[i] = null;
      head++;
      cohortStart[maxRetries] = head;
      givenUp.accept(seq);
    }
  }

  /** Re-sends the due prefix of one cohort; false when {@code resend} declined one (collecting stops there). */
  @SuppressWarnings("unchecked")
  private boolean resendDue(int attempts, long now, Resender<T> resend) {
    long end = cohortEnd(attempts);
    long wait = backoff.delayBeforeResend(attempts + 2);
    while (cohortStart[attempts] < end && deadlines[index(cohortStart[attempts])] <= now) {
      int i = index(cohortStart[attempts]);
      if (!resend.resend((T) items[i], attempts + 1)) return false;
      deadlines[i] = now + wait;
      // Moving the boundary hands the message to cohort attempts + 1, as its newest member: its deadline is the latest.
      cohortStart[attempts]++;
    }
    return true;
  }

  private long cohortEnd(int attempts) {
    return attempts == 0 ? tail : cohortStart[attempts - 1];
  }

  private long now(long nowMs) {
    latestNow = Math.max(latestNow, nowMs);
    return latestNow;
  }

  /** Makes room for {@code more} sends at once (a catch-up page), instead of doubling the arrays step by step. */
  public void reserve(int more) {
    while (seqs.length - (tail - head) < more) grow();
  }

  private int index(long position) {
    return (int) (position & (seqs.length - 1));
  }

  private void grow() {
    int capacity = Math.max(4, seqs.length * 2);
    long[] newSeqs = new long[capacity];
    long[] newDeadlines = new long[capacity];
    Object[] newItems = new Object[capacity];
    for (long p = head; p < tail; p++) {
      int from = index(p);
      int to = (int) (p & (capacity - 1));
      newSeqs[to] = seqs[from];
      newDeadlines[to] = deadlines[from];
      newItems[to] = items[from];
    }
    seqs = newSeqs;
    deadlines = newDeadlines;
    items = newItems;
  }

  private void releaseIfEmpty() {
    if (head == tail && seqs.length > KEEP_CAPACITY) {
      seqs = NO_LONGS;
      deadlines = NO_LONGS;
      items = NO_ITEMS;
    }
  }

  private void checkNotCollecting() {
    if (collecting) {
      throw new IllegalStateException("AckTracker used from inside a collectDue callback");
    }
  }
}
