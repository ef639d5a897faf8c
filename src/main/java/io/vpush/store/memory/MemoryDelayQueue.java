package io.vpush.store.memory;

import io.vpush.store.ScheduledMessage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The in-memory delay queue: scheduled messages ordered by due time, with claim leases.
 *
 * <p>One monitor guards it; every step is O(log n) per item touched, so holding it never takes long.
 */
final class MemoryDelayQueue {

  private record Entry(String id, long due, ScheduledMessage message) {}

  private static final Comparator<Entry> BY_DUE = Comparator.comparingLong(Entry::due).thenComparing(Entry::id);

  private final TreeSet<Entry> byDue = new TreeSet<>(BY_DUE);
  private final Map<String, Entry> byId = new HashMap<>();

  synchronized void schedule(ScheduledMessage m) {
    if (byId.containsKey(m.id())) return;
    Entry e = new Entry(m.id(), m.deliverAt(), m);
    byId.put(e.id(), e);
    byDue.add(e);
  }

  synchronized List<ScheduledMessage> claimDue(long now, int max, long leaseMs) {
    List<Entry> due = new ArrayList<>();
    for (Entry e : byDue) {
      if (e.due() > now || due.size() >= max) break;
      due.add(e);
    }
    List<ScheduledMessage> out = new ArrayList<>(due.size());
    for (Entry e : due) {
      // Re-key to the lease end: hidden from other claimers until then, due again if never completed.
      byDue.remove(e);
      Entry leased = new Entry(e.id(), now + leaseMs, e.message());
      byDue.add(leased);
      byId.put(e.id(), leased);
      out.add(e.message());
    }
    return out;
  }

  synchronized void complete(Collection<ScheduledMessage> done) {
    for (ScheduledMessage m : done) {
      Entry e = byId.remove(m.id());
      if (e != null) byDue.remove(e);
    }
  }

  synchronized int size() {
    return byId.size();
  }
}
