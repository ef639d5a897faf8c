package io.vpush.store.memory;

import java.util.concurrent.atomic.LongAdder;

/** The memory store's drop counters, shared by all users' states (LongAdder: no contention between event loops). */
final class DropCounters {
  final LongAdder expired = new LongAdder();
  final LongAdder capped = new LongAdder();
}
