package io.vpush.store.memory;

import io.vpush.store.StoredMessage;

import java.util.List;
import java.util.function.Consumer;

/**
 * One user's retained messages in seq order: a ring of references, with the earliest expiry kept so that a purge with
 * nothing due costs one comparison. Not thread-safe (its {@link UserState} holds the lock).
 *
 * <p>It replaced a {@code TreeMap} by seq plus a {@code TreeSet} by expiry, which cost three tree entries per message,
 * and whose rebalancing writes into old tree nodes made G1's card refinement a tenth of a multicast's CPU. Seqs only
 * grow, so appending and trimming happen at the ends; a message that expires ahead of older ones (a shorter TTL) is
 * the rare case and costs a pass over the ring.
 */
final class SeqInbox {

  private StoredMessage[] ring = new StoredMessage[4];
  private int head;
  private int size;
  /** The earliest expiresAt among the retained messages; MAX_VALUE when empty. */
  private long nextExpiry = Long.MAX_VALUE;

  int size() {
    return size;
  }

  /** Appends a message whose seq is above every retained one. */
  void append(StoredMessage m) {
    if (size == ring.length) grow();
    ring[(head + size) % ring.length] = m;
    size++;
    nextExpiry = Math.min(nextExpiry, m.expiresAt());
  }

  /** Removes and returns the lowest-seq message (the caller knows the inbox is not empty). */
  StoredMessage removeFirst() {
    StoredMessage m = ring[head];
    ring[head] = null;
    head = (head + 1) % ring.length;
    size--;
    if (size == 0) nextExpiry = Long.MAX_VALUE;
    // nextExpiry may now be lower than any retained message's: the next purge then scans once and corrects it.
    return m;
  }

  /**
   * Up to {@code limit} messages with seq above {@code afterSeq}, in order, into {@code out}, stopping before the one
   * that would take their {@link StoredMessage#storedBytes} past {@code maxBytes} (at least one); true if more remain.
   */
  boolean after(long afterSeq, int limit, long maxBytes, List<StoredMessage> out) {
    int i = indexAfter(afterSeq);
    int end = Math.min(size, i + limit);
    long bytes = 0;
    for (; i < end; i++) {
      StoredMessage m = at(i);
      bytes += m.storedBytes();
      if (bytes > maxBytes && !out.isEmpty()) break;
      out.add(m);
    }
    return i < size;
  }

  /** Removes every message with expiresAt at or before {@code now}, in seq order, handing each to {@code dropped}. */
  void removeExpired(long now, Consumer<StoredMessage> dropped) {
    if (now < nextExpiry) return;
    StoredMessage[] kept = new StoredMessage[Math.max(4, Integer.highestOneBit(Math.max(1, size)) << 1)];
    int n = 0;
    long earliest = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      StoredMessage m = at(i);
      if (m.expiresAt() <= now) {
        dropped.accept(m);
      } else {
        kept[n++] = m;
        earliest = Math.min(earliest, m.expiresAt());
      }
    }
    ring = kept;
    head = 0;
    size = n;
    nextExpiry = earliest;
  }

  private StoredMessage at(int i) {
    return ring[(head + i) % ring.length];
  }

  /** The index of the first message with seq above {@code seq} (binary search: seqs ascend). */
  private int indexAfter(long seq) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (at(mid).seq() <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private void grow() {
    StoredMessage[] bigger = new StoredMessage[ring.length * 2];
    for (int i = 0; i < size; i++) bigger[i] = at(i);
    ring = bigger;
    head = 0;
  }
}
