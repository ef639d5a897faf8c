package io.vpush.access;

import io.vpush.time.Backoff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AckTrackerTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final Backoff DEFAULTS = new Backoff(5_000, 60_000, 5);

  private final List<String> resent = new ArrayList<>();
  private final List<Long> givenUp = new ArrayList<>();

  private void collect(AckTracker<String> tracker, long now) {
    tracker.collectDue(now, resent::add, givenUp::add);
  }

  @Test
  void neverAckedMeansSixSendsSpacedFiveTenTwentyFortySixtyThenGivenUp() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    tracker.sent(1, "m1", T0);
    List<Long> sendTimes = new ArrayList<>(List.of(T0));
    // Drive it the way a timer does: wake at the next deadline.
    while (tracker.nextDeadline() != Long.MAX_VALUE) {
      long now = tracker.nextDeadline();
      int before = resent.size();
      collect(tracker, now);
      if (resent.size() > before) {
        sendTimes.add(now);
      }
    }
    assertThat(sendTimes).hasSize(6);
    assertThat(resent).containsExactly("m1", "m1", "m1", "m1", "m1");
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < sendTimes.size(); i++) {
      gaps.add(sendTimes.get(i) - sendTimes.get(i - 1));
    }
    assertThat(gaps).containsExactly(5_000L, 10_000L, 20_000L, 40_000L, 60_000L);
    assertThat(givenUp).containsExactly(1L);
    assertThat(tracker.size()).isZero();
  }

  @Test
  void aDeclinedResendStaysDueWithEveryLaterOneAndKeepsItsAttemptCount() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    for (int seq = 1; seq <= 3; seq++) tracker.sent(seq, "m" + seq, T0);
    tracker.sent(4, "m4", T0 + 1_000);
    // At T0 + 5 s, 1..3 are due; room for one, then the socket is full.
    List<String> got = new ArrayList<>();
    int[] room = {1};
    tracker.collectDuePaced(T0 + 5_000, (item, attempt) -> {
      if (room[0] == 0) return false;
      room[0]--;
      got.add(item + "#" + attempt);
      return true;
    }, givenUp::add);
    assertThat(got).containsExactly("m1#1");
    // 2 and 3 are still due, unchanged: the next collect (the next tick) takes them first, in order.
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 5_000);
    tracker.collectDuePaced(T0 + 6_000, (item, attempt) -> got.add(item + "#" + attempt), givenUp::add);
    assertThat(got).containsExactly("m1#1", "m2#1", "m3#1", "m4#1");
    // Each waits its next wait (10 s) from its own re-send.
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 15_000);
    collect(tracker, T0 + 15_000);
    assertThat(resent).containsExactly("m1");
    collect(tracker, T0 + 16_000);
    assertThat(resent).containsExactly("m1", "m2", "m3", "m4");
    assertThat(givenUp).isEmpty();
  }

  @Test
  void nothingIsDueBeforeItsDeadlineAndTheGiveUpWaitsTheLastWait() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    tracker.sent(7, "m7", T0);
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 5_000);
    collect(tracker, T0 + 4_999);
    assertThat(resent).isEmpty();
    long[] resendAt = {T0 + 5_000, T0 + 15_000, T0 + 35_000, T0 + 75_000, T0 + 135_000};
    for (long at : resendAt) {
      collect(tracker, at - 1);
      collect(tracker, at);
    }
    assertThat(resent).hasSize(5);
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 195_000);
    collect(tracker, T0 + 194_999);
    assertThat(givenUp).isEmpty();
    assertThat(tracker.size()).isEqualTo(1);
    collect(tracker, T0 + 195_000);
    assertThat(givenUp).containsExactly(7L);
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aLateCollectDoesNotShortenTheNextWait() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    tracker.sent(1, "m1", T0);
    collect(tracker, T0 + 5_090); // a tick 90 ms late
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 5_090 + 10_000);
  }

  @Test
  void cumulativeAckMidWayStopsResendsOfAckedMessages() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    tracker.sent(1, "m1", T0);
    tracker.sent(2, "m2", T0);
    tracker.sent(3, "m3", T0);
    collect(tracker, T0 + 5_000);
    assertThat(resent).containsExactly("m1", "m2", "m3");

    assertThat(tracker.ack(2)).isEqualTo(2);
    assertThat(tracker.highestAcked()).isEqualTo(2);
    assertThat(tracker.size()).isEqualTo(1);
    resent.clear();
    for (long t = T0 + 5_000; t <= T0 + 400_000; t += 100) {
      collect(tracker, t);
    }
    assertThat(resent).containsExactly("m3", "m3", "m3", "m3");
    assertThat(givenUp).containsExactly(3L);
  }

  @Test
  void ackBelowHighestAckedIsANoOpAndAckBeyondHighestSentClearsAll() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    tracker.sent(3, "m3", T0);
    tracker.sent(5, "m5", T0 + 10);
    assertThat(tracker.ack(4)).isEqualTo(1);
    assertThat(tracker.ack(2)).isZero();
    assertThat(tracker.ack(4)).isZero();
    assertThat(tracker.highestAcked()).isEqualTo(4);
    assertThat(tracker.size()).isEqualTo(1);

    assertThat(tracker.ack(100)).isEqualTo(1);
    assertThat(tracker.highestAcked()).isEqualTo(100);
    assertThat(tracker.size()).isZero();
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);

    tracker.sent(99, "already acked", T0 + 20); // the client has it: not tracked
    assertThat(tracker.size()).isZero();
    tracker.sent(101, "m101", T0 + 20);
    assertThat(tracker.size()).isEqualTo(1);
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 20 + 5_000);
  }

  @Test
  void givenUpReportsEverySeqInOrder() {
    AckTracker<String> tracker = new AckTracker<>(new Backoff(10, 40, 2));
    tracker.sent(1, "a", T0);
    tracker.sent(4, "b", T0);
    tracker.sent(9, "c", T0 + 5);
    for (long t = T0; t <= T0 + 1_000; t++) {
      collect(tracker, t);
    }
    assertThat(resent).containsExactly("a", "b", "c", "a", "b", "c");
    assertThat(givenUp).containsExactly(1L, 4L, 9L);
    assertThat(tracker.size()).isZero();
  }

  @Test
  void zeroRetriesMeansOneSendThenGivenUpAfterTheTimeout() {
    AckTracker<String> tracker = new AckTracker<>(new Backoff(5_000, 60_000, 0));
    tracker.sent(1, "m1", T0);
    collect(tracker, T0 + 4_999);
    assertThat(givenUp).isEmpty();
    collect(tracker, T0 + 5_000);
    assertThat(resent).isEmpty();
    assertThat(givenUp).containsExactly(1L);
  }

  @Test
  void interleavedMessagesFollowTheirOwnSchedulesAndComeOutInSeqOrder() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    tracker.sent(1, "m1", T0);
    tracker.sent(2, "m2", T0 + 3_000);
    collect(tracker, T0 + 5_000); // m1's first re-send; next at +15000
    assertThat(resent).containsExactly("m1");
    tracker.sent(3, "m3", T0 + 7_000);
    // m2 is due at +8000, before m1 (+15000) though its seq is higher.
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 8_000);
    collect(tracker, T0 + 8_000);
    assertThat(resent).containsExactly("m1", "m2");
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 12_000); // m3's first
    resent.clear();
    collect(tracker, T0 + 20_000); // all three due at once: seq order
    assertThat(resent).containsExactly("m1", "m2", "m3");
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 30_000); // m3's second wait of 10 s
  }

  @Test
  void matchesAStraightforwardModelOnRandomTraffic() {
    Random random = new Random(2024);
    for (int round = 0; round < 200; round++) {
      Backoff backoff = new Backoff(1 + random.nextInt(50), 1 + random.nextInt(400), random.nextInt(6));
      AckTracker<Long> tracker = new AckTracker<>(backoff);
      List<long[]> model = new ArrayList<>(); // {seq, attempts, deadline}
      long now = T0;
      long nextSeq = 1;
      long highestAcked = 0;
      for (int step = 0; step < 400; step++) {
        now += random.nextInt(30);
        int op = random.nextInt(10);
        if (op < 4) {
          nextSeq += 1 + random.nextInt(3);
          tracker.sent(nextSeq, nextSeq, now);
          model.add(new long[] {nextSeq, 0, now + backoff.delayBeforeResend(1)});
        } else if (op < 5) {
          long ackSeq = highestAcked + random.nextInt(8) - 2;
          int expected = 0;
          if (ackSeq > highestAcked) {
            highestAcked = ackSeq;
            for (Iterator<long[]> it = model.iterator(); it.hasNext(); ) {
              if (it.next()[0] <= ackSeq) {
                it.remove();
                expected++;
              }
            }
          }
          assertThat(tracker.ack(ackSeq)).isEqualTo(expected);
          nextSeq = Math.max(nextSeq, highestAcked);
        } else {
          List<Long> expectResent = new ArrayList<>();
          List<Long> expectGivenUp = new ArrayList<>();
          for (Iterator<long[]> it = model.iterator(); it.hasNext(); ) {
            long[] m = it.next();
            if (m[2] <= now) {
              if (m[1] == backoff.maxRetries()) {
                expectGivenUp.add(m[0]);
                it.remove();
              } else {
                expectResent.add(m[0]);
                m[1]++;
                m[2] = now + backoff.delayBeforeResend((int) m[1] + 1);
              }
            }
          }
          List<Long> gotResent = new ArrayList<>();
          List<Long> gotGivenUp = new ArrayList<>();
          tracker.collectDue(now, gotResent::add, gotGivenUp::add);
          assertThat(gotResent).isEqualTo(expectResent);
          assertThat(gotGivenUp).isEqualTo(expectGivenUp);
        }
        assertThat(tracker.size()).isEqualTo(model.size());
        assertThat(tracker.nextDeadline()).isEqualTo(model.stream().mapToLong(m -> m[2]).min().orElse(Long.MAX_VALUE));
      }
    }
  }

  @Test
  void growsForManyMessagesAndEmptiesCleanly() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    for (int seq = 1; seq <= 5_000; seq++) {
      tracker.sent(seq, "m" + seq, T0 + seq);
    }
    assertThat(tracker.size()).isEqualTo(5_000);
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 1 + 5_000);
    assertThat(tracker.ack(2_500)).isEqualTo(2_500);
    assertThat(tracker.nextDeadline()).isEqualTo(T0 + 2_501 + 5_000);
    assertThat(tracker.ack(5_000)).isEqualTo(2_500);
    assertThat(tracker.size()).isZero();
    tracker.sent(5_001, "again", T0 + 9_000);
    assertThat(tracker.size()).isEqualTo(1);
    tracker.clear();
    assertThat(tracker.size()).isZero();
    assertThat(tracker.nextDeadline()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void misuseIsRejected() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    tracker.sent(5, "m5", T0);
    assertThatThrownBy(() -> tracker.sent(5, "dup", T0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tracker.sent(4, "older", T0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tracker.collectDue(T0 + 5_000, item -> tracker.ack(5), seq -> { }))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void reservingRoomMidStreamKeepsOrderAndDeadlines() {
    AckTracker<String> tracker = new AckTracker<>(DEFAULTS);
    for (int s = 1; s <= 3; s++) tracker.sent(s, "m" + s, T0);
    tracker.ack(2);                                  // head moves: the ring no longer starts at index 0
    tracker.reserve(20);
    for (int s = 4; s <= 23; s++) tracker.sent(s, "m" + s, T0 + 1);
    assertThat(tracker.size()).isEqualTo(21);
    collect(tracker, T0 + 5_000);
    assertThat(resent).containsExactly("m3");        // only m3 is due yet; the rest were sent 1 ms later
    resent.clear();
    collect(tracker, T0 + 5_001);
    assertThat(resent).hasSize(20).startsWith("m4", "m5").endsWith("m23");
    assertThat(tracker.ack(23)).isEqualTo(21);
    assertThat(tracker.size()).isZero();
  }
}
