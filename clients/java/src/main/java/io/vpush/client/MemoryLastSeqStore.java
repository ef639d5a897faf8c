package io.vpush.client;

import java.util.OptionalLong;

/** A {@link LastSeqStore} in memory. */
public final class MemoryLastSeqStore implements LastSeqStore {
  private volatile long value = -1;

  public MemoryLastSeqStore() {}

  /** A store that starts at {@code lastSeq}. */
  public MemoryLastSeqStore(long lastSeq) {
    this.value = lastSeq;
  }

  @Override
  public OptionalLong load() {
    long v = value;
    return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
  }

  @Override
  public void save(long lastSeq) {
    value = lastSeq;
  }
}
