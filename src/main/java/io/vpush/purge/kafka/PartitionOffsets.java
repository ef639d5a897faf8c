package io.vpush.purge.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * The offsets of one partition that were handed to processing, in arrival order, and which of them are done:
 * says up to where the partition may be committed when records complete out of order.
 *
 * <p>The committable offset is "last done record + 1" over the longest done prefix, so a record that is still
 * being accepted (or retried while the store is down) holds back every commit after it. Offsets may have gaps
 * (compacted topics, transaction markers); only the order of {@link #add} matters. Not thread-safe: one
 * partition's records are handled on one Vert.x context.
 */
public final class PartitionOffsets {

  /** Offset -> done, in offset order. */
  private final TreeMap<Long, Boolean> pending = new TreeMap<>();
  private long committable = -1;
  private long committed = -1;

  /** Records that an offset was handed to processing; offsets must be added in increasing order. */
  public void add(long offset) {
    Long last = pending.isEmpty() ? null : pending.lastKey();
    if ((last != null && offset <= last) || offset < committable) {
      throw new IllegalArgumentException("offset " + offset + " is not after " + (last != null ? last : committable - 1));
    }
    pending.put(offset, Boolean.FALSE);
  }

  /** Marks an added offset done; the committable offset moves over every done offset at the head. */
  public void complete(long offset) {
    if (pending.replace(offset, Boolean.TRUE) == null) throw new IllegalArgumentException("offset " + offset + " is not pending");
    Map.Entry<Long, Boolean> head;
    while ((head = pending.firstEntry()) != null && head.getValue()) {
      committable = pending.pollFirstEntry().getKey() + 1;
    }
  }

  /** The offset to commit (last done of the done prefix + 1), or -1 when nothing is done yet. */
  public long committable() {
    return committable;
  }

  /** Whether there is a committable offset that was not yet {@linkplain #committed(long) committed}. */
  public boolean hasUncommitted() {
    return committable > committed;
  }

  /** Notes that {@code offset} was committed to Kafka. */
  public void committed(long offset) {
    committed = Math.max(committed, offset);
  }

  /** Records handed to processing and not yet part of the done prefix. */
  public int inFlight() {
    return pending.size();
  }
}
