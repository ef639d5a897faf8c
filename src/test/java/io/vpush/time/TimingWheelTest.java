package io.vpush.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TimingWheelTest {

  private static final long START = 1_700_000_000_000L;

  /** Records firings into a shared log and runs an optional action from inside onTimeout. */
  private static final class Probe extends TimingWheel.Entry {
    final String name;
    final List<String> log;
    final List<Long> firedAt = new ArrayList<>();
    LongConsumer action = now -> { };

    Probe(String name, List<String> log) {
      this.name = name;
      this.log = log;
    }

    @Override
    protected void onTimeout(long nowMs) {
      log.add(name);
      firedAt.add(nowMs);
      action.accept(nowMs);
    }
  }

  private final List<String> log = new ArrayList<>();
  private final TimingWheel wheel = new TimingWheel(100, 8, START);

  private Probe probe(String name) {
    return new Probe(name, log);
  }

  @Test
  void firesAtTheDeadlineAndNeverBefore() {
    Probe p = probe("p");
    wheel.schedule(p, START + 250);
    assertThat(p.isScheduled()).isTrue();
    assertThat(p.deadline()).isEqualTo(START + 250);
    assertThat(wheel.size()).isEqualTo(1);

    assertThat(wheel.advance(START + 200)).isZero();
    assertThat(wheel.advance(START + 249)).isZero();
    assertThat(wheel.advance(START + 250)).isEqualTo(1);
    assertThat(p.firedAt).containsExactly(START + 250);
    assertThat(p.isScheduled()).isFalse();
    assertThat(wheel.size()).isZero();
    assertThat(wheel.advance(START + 10_000)).isZero();
  }

  @Test
  void tickingAdvancesFireAtMostOneTickLate() {
    Probe p = probe("p");
    wheel.schedule(p, START + 201);
    for (long t = START; p.firedAt.isEmpty(); t += 100) {
      wheel.advance(t);
    }
    assertThat(p.firedAt.get(0)).isEqualTo(START + 300);
  }

  @Test
  void firesInDeadlineOrderWithinATickAndAcrossTicksTiesInSchedulingOrder() {
    wheel.schedule(probe("c"), START + 399);
    wheel.schedule(probe("a"), START + 310);
    wheel.schedule(probe("b1"), START + 350);
    wheel.schedule(probe("b2"), START + 350);
    wheel.schedule(probe("early"), START + 120);
    wheel.schedule(probe("late"), START + 500);

    assertThat(wheel.advance(START + 450)).isEqualTo(5);
    assertThat(log).containsExactly("early", "a", "b1", "b2", "c");
    assertThat(wheel.size()).isEqualTo(1);
  }

  @Test
  void pastDeadlineFiresOnTheNextAdvance() {
    wheel.advance(START + 1_000);
    Probe p = probe("p");
    wheel.schedule(p, START + 10);
    assertThat(wheel.advance(START + 1_000)).isEqualTo(1);
    assertThat(p.firedAt).containsExactly(START + 1_000);
  }

  @Test
  void anEntryCanRescheduleItselfFromItsCallback() {
    Probe periodic = probe("tick");
    periodic.action = now -> wheel.schedule(periodic, now + 300);
    wheel.schedule(periodic, START + 300);
    for (long t = START; t <= START + 3_000; t += 100) {
      wheel.advance(t);
    }
    assertThat(periodic.firedAt).hasSize(10).first().isEqualTo(START + 300);
    assertThat(periodic.firedAt).last().isEqualTo(START + 3_000);
    assertThat(periodic.isScheduled()).isTrue();
    assertThat(wheel.size()).isEqualTo(1);
  }

  @Test
  void reschedulingIntoThePastFromACallbackWaitsForTheNextAdvance() {
    Probe again = probe("again");
    again.action = now -> {
      if (again.firedAt.size() < 3) {
        wheel.schedule(again, now - 50);
      }
    };
    wheel.schedule(again, START + 100);
    assertThat(wheel.advance(START + 100)).isEqualTo(1);
    assertThat(again.isScheduled()).isTrue();
    assertThat(wheel.advance(START + 100)).isEqualTo(1);
    assertThat(wheel.advance(START + 100)).isEqualTo(1);
    assertThat(again.isScheduled()).isFalse();
    assertThat(wheel.advance(START + 100)).isZero();
  }

  @Test
  void aCallbackCanCancelOrPostponeOthersDueInTheSameAdvance() {
    Probe first = probe("first");
    Probe cancelled = probe("cancelled");
    Probe postponed = probe("postponed");
    Probe last = probe("last");
    first.action = now -> {
      wheel.cancel(cancelled);
      wheel.schedule(postponed, now + 1_000);
    };
    wheel.schedule(first, START + 100);
    wheel.schedule(cancelled, START + 150);
    wheel.schedule(postponed, START + 160);
    wheel.schedule(last, START + 170);

    assertThat(wheel.advance(START + 200)).isEqualTo(2);
    assertThat(log).containsExactly("first", "last");
    assertThat(cancelled.isScheduled()).isFalse();
    assertThat(postponed.isScheduled()).isTrue();
    assertThat(wheel.size()).isEqualTo(1);

    assertThat(wheel.advance(START + 1_199)).isZero();
    assertThat(wheel.advance(START + 1_200)).isEqualTo(1);
    assertThat(log).containsExactly("first", "last", "postponed");
    assertThat(wheel.size()).isZero();
  }

  @Test
  void cancelOfAnIdleEntryIsANoOp() {
    Probe p = probe("p");
    wheel.cancel(p);
    wheel.schedule(p, START + 100);
    wheel.cancel(p);
    wheel.cancel(p);
    assertThat(wheel.size()).isZero();
    assertThat(wheel.advance(START + 1_000)).isZero();
  }

  @Test
  void farDeadlinesWaitTheirRoundsWhileTheWheelTurns() {
    // 8 slots of 100 ms is one rotation per 800 ms; 100 s is 125 rotations away.
    Probe far = probe("far");
    Probe sameSlotSooner = probe("sooner");
    wheel.schedule(far, START + 100_050);
    wheel.schedule(sameSlotSooner, START + 850); // same slot as "far", one rotation
    for (long t = START; t < START + 100_050; t += 100) {
      wheel.advance(t);
    }
    assertThat(log).containsExactly("sooner");
    assertThat(far.isScheduled()).isTrue();
    wheel.advance(START + 100_050);
    assertThat(log).containsExactly("sooner", "far");
  }

  @Test
  @Timeout(10) // a per-tick loop over this jump would run for ages; the timeout only guards against a hang
  void aHugeJumpScansEachSlotOnceAndStillFiresInDeadlineOrder() {
    TimingWheel fine = new TimingWheel(1, 512, START);
    List<Long> fired = new ArrayList<>();
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      long deadline = START + random.nextInt(3_600_000);
      fine.schedule(new TimingWheel.Entry() {
        @Override
        protected void onTimeout(long nowMs) {
          fired.add(deadline());
        }
      }, deadline);
    }
    Probe farFuture = probe("far");
    fine.schedule(farFuture, START + 3_600_001);

    assertThat(fine.advance(START + 3_600_000)).isEqualTo(2_000);
    assertThat(fired).hasSize(2_000).isSorted();
    assertThat(farFuture.isScheduled()).isTrue();
    assertThat(fine.advance(START + 1_000_000_000_000_000L)).isEqualTo(1);
    assertThat(fine.size()).isZero();
  }

  @Test
  void thousandsOfEntriesEachFireOnceInOrderAndAtMostOneTickLate() {
    TimingWheel w = new TimingWheel(10, 64, START);
    Random random = new Random(7);
    int n = 20_000;
    long[] deadlines = new long[n];
    long[] firedAt = new long[n];
    int[] fireCount = new int[n];
    List<Long> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int id = i;
      deadlines[i] = START + random.nextInt(60_000);
      w.schedule(new TimingWheel.Entry() {
        @Override
        protected void onTimeout(long nowMs) {
          firedAt[id] = nowMs;
          fireCount[id]++;
          order.add(deadline());
        }
      }, deadlines[i]);
    }
    assertThat(w.size()).isEqualTo(n);
    int total = 0;
    for (long t = START; t <= START + 60_010; t += 10) {
      total += w.advance(t);
    }
    assertThat(total).isEqualTo(n);
    assertThat(fireCount).containsOnly(1);
    assertThat(order).isSorted();
    for (int i = 0; i < n; i++) {
      assertThat(firedAt[i] - deadlines[i]).as("lateness of entry %d", i).isBetween(0L, 9L);
    }
    assertThat(w.size()).isZero();
  }

  @Test
  void aFiredEntryCanBeScheduledAgain() {
    Probe p = probe("p");
    wheel.schedule(p, START + 100);
    wheel.advance(START + 100);
    assertThat(p.isScheduled()).isFalse();
    wheel.schedule(p, START + 5_000);
    assertThat(p.isScheduled()).isTrue();
    assertThat(wheel.advance(START + 4_999)).isZero();
    assertThat(wheel.advance(START + 5_000)).isEqualTo(1);
    assertThat(p.firedAt).containsExactly(START + 100, START + 5_000);
  }

  @Test
  void aThrowingCallbackDoesNotStrandTheOthers() {
    Probe bad = probe("bad");
    bad.action = now -> {
      throw new IllegalStateException("boom");
    };
    Probe good = probe("good");
    wheel.schedule(bad, START + 100);
    wheel.schedule(good, START + 150);
    assertThatThrownBy(() -> wheel.advance(START + 200)).hasMessage("boom");
    assertThat(log).containsExactly("bad", "good");
    assertThat(wheel.size()).isZero();
    assertThat(wheel.advance(START + 300)).isZero();
  }

  @Test
  void misuseIsRejected() {
    Probe nested = probe("nested");
    nested.action = now -> wheel.advance(now);
    wheel.schedule(nested, START + 100);
    assertThatThrownBy(() -> wheel.advance(START + 100)).isInstanceOf(IllegalStateException.class);

    Probe p = probe("p");
    wheel.schedule(p, START + 100);
    TimingWheel other = new TimingWheel(100, 8, START);
    assertThatThrownBy(() -> other.schedule(p, START + 100)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new TimingWheel(0, 8, START)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TimingWheel(10, 0, START)).isInstanceOf(IllegalArgumentException.class);
  }
}
