package io.vpush.store;

/** Counters a store engine keeps about the messages it dropped from inboxes, for metrics. */
public interface StoreStats {

  /** Messages this node's store dropped because an inbox passed its cap (oldest first). */
  long droppedByCap();

  /** Messages this node's store dropped because their TTL passed. */
  long expired();
}
