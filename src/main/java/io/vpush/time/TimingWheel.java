package io.vpush.time;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A hashed timing wheel owned by one event loop: a periodic tick calls {@link #advance(long)}, which scans only the
 * slots of the ticks that passed.
 *
 * <p>Not thread-safe by design (architecture.md "Threads"): each access verticle instance owns one wheel and touches
 * it only from its event loop, so there are no locks. Entries are intrusive (a session is an entry), so scheduling
 * and rescheduling allocate nothing. An entry sits in the slot of the tick its deadline falls in; entries more than
 * one rotation away simply stay in their slot until a scan finds their deadline passed, so no round counter is kept.
 * An entry never fires before its deadline and, with one advance per tick, at most one tick after it.
 */
public final class TimingWheel {

  private static final Comparator<Entry> BY_DEADLINE = Comparator.comparingLong(e -> e.deadline);

  private final long tickMs;
  private final long startMs;
  private final Entry[] heads;
  private final Entry[] tails;
  /** The tick whose slot may still hold unfired entries; every earlier tick has been fully fired. */
  private long currentTick;
  private int size;
  private boolean advancing;
  /** Due entries gathered by one advance, reused so a steady state allocates nothing. */
  private Entry[] due = new Entry[16];

  public TimingWheel(long tickMs, int slots, long startMs) {
    if (tickMs <= 0 || slots <= 0) {
      throw new IllegalArgumentException("tickMs and slots must be positive: " + tickMs + ", " + slots);
    }
    this.tickMs = tickMs;
    this.startMs = startMs;
    this.heads = new Entry[slots];
    this.tails = new Entry[slots];
  }

  /** Schedules or reschedules the entry to fire at or after deadlineMs (a deadline in the past fires on the next advance). */
  public void schedule(Entry entry, long deadlineMs) {
    detach(entry);
    // A past deadline goes into the current tick's slot, which the next advance scans again.
    long tick = Math.max(tickOf(deadlineMs), currentTick);
    int slot = slotOf(tick);
    entry.wheel = this;
    entry.deadline = deadlineMs;
    entry.slot = slot;
    entry.prev = tails[slot];
    entry.next = null;
    if (tails[slot] == null) {
      heads[slot] = entry;
    } else {
      tails[slot].next = entry;
    }
    tails[slot] = entry;
    size++;
  }

  /** Unschedules the entry; a no-op when it is not scheduled (including when it is about to fire in this advance). */
  public void cancel(Entry entry) {
    detach(entry);
  }

  /**
   * Runs every entry whose deadline is <= nowMs, in deadline order (ties in scheduling order); returns how many fired.
   * Entries may reschedule or cancel themselves or others from inside onTimeout; an entry cancelled or rescheduled
   * before its turn does not fire in this advance, and one scheduled into the past fires on the next advance. The work
   * is bounded by min(ticks passed, slots) plus the entries scanned, so a jump of an hour costs one rotation at most.
   * If callbacks throw, the remaining due entries still fire and the first throwable is rethrown afterwards.
   */
  public int advance(long nowMs) {
    if (advancing) {
      throw new IllegalStateException("advance called from inside onTimeout");
    }
    long nowTick = Math.max(tickOf(nowMs), currentTick);
    int count = 0;
    long ticks = nowTick - currentTick + 1;
    if (ticks >= heads.length) {
      for (int slot = 0; slot < heads.length; slot++) {
        count = gather(slot, nowMs, count);
      }
    } else {
      for (long tick = currentTick; tick <= nowTick; tick++) {
        count = gather(slotOf(tick), nowMs, count);
      }
    }
    // Set before the callbacks run, so anything they schedule into the past lands in a slot the next advance scans.
    currentTick = nowTick;
    Arrays.sort(due, 0, count, BY_DEADLINE);
    return fire(count, nowMs);
  }

  /** Scheduled entries, counting those gathered for firing by a running advance but not yet fired. */
  public int size() {
    return size;
  }

  public long tickMs() {
    return tickMs;
  }

  private int gather(int slot, long nowMs, int count) {
    Entry e = heads[slot];
    while (e != null) {
      Entry next = e.next;
      if (e.deadline <= nowMs) {
        unlink(e);
        e.slot = Entry.PENDING; // still scheduled (wheel set) until it fires, so cancel/schedule can take it back
        if (count == due.length) {
          due = Arrays.copyOf(due, count * 2);
        }
        due[count++] = e;
      }
      e = next;
    }
    return count;
  }

  private int fire(int count, long nowMs) {
    advancing = true;
    int fired = 0;
    Throwable failure = null;
    try {
      for (int i = 0; i < count; i++) {
        Entry e = due[i];
        due[i] = null;
        if (e.wheel != this || e.slot != Entry.PENDING) {
          continue; // cancelled or rescheduled by an earlier callback of this advance
        }
        e.wheel = null;
        e.slot = Entry.IDLE;
        size--;
        fired++;
        try {
          e.onTimeout(nowMs);
        } catch (Throwable t) {
          if (failure == null) {
            failure = t;
          } else {
            failure.addSuppressed(t);
          }
        }
      }
    } finally {
      advancing = false;
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    } else if (failure instanceof Error err) {
      throw err;
    } else if (failure != null) {
      throw new IllegalStateException(failure);
    }
    return fired;
  }

  private void detach(Entry entry) {
    if (entry.wheel == null) {
      return;
    }
    if (entry.wheel != this) {
      throw new IllegalStateException("entry is scheduled on another wheel");
    }
    if (entry.slot >= 0) {
      unlink(entry);
    }
    // A PENDING entry sits only in the due array; clearing its state is enough for fire() to skip it.
    entry.wheel = null;
    entry.slot = Entry.IDLE;
    size--;
  }

  private void unlink(Entry e) {
    int slot = e.slot;
    if (e.prev == null) {
      heads[slot] = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next == null) {
      tails[slot] = e.prev;
    } else {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
  }

  private long tickOf(long timeMs) {
    // Times before the start all map to tick 0 (already past); comparing first also avoids overflow on Long.MIN_VALUE.
    return timeMs <= startMs ? 0 : (timeMs - startMs) / tickMs;
  }

  private int slotOf(long tick) {
    return (int) Math.floorMod(tick, (long) heads.length);
  }

  /** A timer entry; subclass it (a session is one entry). */
  public abstract static class Entry {

    static final int IDLE = -1;
    static final int PENDING = -2;

    private TimingWheel wheel;
    private Entry prev;
    private Entry next;
    private long deadline;
    /** Slot index while linked, IDLE when not scheduled, PENDING while gathered for firing. */
    private int slot = IDLE;

    protected abstract void onTimeout(long nowMs);

    public final boolean isScheduled() {
      return wheel != null;
    }

    /** The deadline last given to schedule (kept after the entry fired or was cancelled). */
    public final long deadline() {
      return deadline;
    }
  }
}
