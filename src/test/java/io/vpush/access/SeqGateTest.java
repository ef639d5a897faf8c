package io.vpush.access;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SeqGateTest {

  private final List<Long> delivered = new ArrayList<>();

  private SeqGate<Long> caughtUpGate(long cursor) {
    SeqGate<Long> gate = new SeqGate<>(cursor, Long::longValue);
    gate.beginRead();
    assertThat(gate.onPage(List.of(), false, delivered::add)).isFalse();
    return gate;
  }

  @Test
  void shedMessagesComeBackFromTheStoreInOrder() {
    SeqGate<Long> gate = new SeqGate<>(0, Long::longValue);
    gate.beginRead();
    // 4 and 5 arrive while the read (begun before they were stored) is out; the gate lets them go.
    gate.offer(4L, delivered::add);
    gate.offer(5L, delivered::add);
    gate.shed();
    assertThat(gate.heldCount()).isZero();
    // That read has 1..3 only: the gate asks for another, which finds 4 and 5 in the store.
    assertThat(gate.onPage(List.of(1L, 2L, 3L), false, delivered::add)).isTrue();
    gate.beginRead();
    assertThat(gate.onPage(List.of(4L, 5L), false, delivered::add)).isFalse();
    assertThat(gate.offer(6L, delivered::add)).isFalse();
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void shedMessagesGoneFromTheStoreByTheNextReadAreSkipped() {
    SeqGate<Long> gate = new SeqGate<>(0, Long::longValue);
    gate.beginRead();
    gate.offer(3L, delivered::add);
    gate.shed();
    assertThat(gate.onPage(List.of(1L), false, delivered::add)).isTrue();
    // The read begun after the shed no longer finds 2 and 3 (expired): a complete read ends the catch-up anyway.
    gate.beginRead();
    assertThat(gate.onPage(List.of(), false, delivered::add)).isFalse();
    assertThat(gate.reading()).isFalse();
    assertThat(gate.cursor()).isEqualTo(3L);
    assertThat(gate.offer(4L, delivered::add)).isFalse();
    assertThat(delivered).containsExactly(1L, 4L);
  }

  @Test
  void catchUpThenLiveInOrder() {
    SeqGate<Long> gate = new SeqGate<>(2, Long::longValue);
    gate.beginRead();
    // live 6 arrives while the catch-up read (3..5) is under way
    assertThat(gate.offer(6L, delivered::add)).isFalse();
    assertThat(gate.onPage(List.of(3L, 4L, 5L), false, delivered::add)).isFalse();
    assertThat(gate.offer(7L, delivered::add)).isFalse();
    assertThat(delivered).containsExactly(3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void liveMessageAlsoInCatchUpPassesOnce() {
    SeqGate<Long> gate = new SeqGate<>(0, Long::longValue);
    gate.beginRead();
    gate.offer(2L, delivered::add);
    assertThat(gate.onPage(List.of(1L, 2L), false, delivered::add)).isFalse();
    gate.offer(2L, delivered::add);
    gate.offer(1L, delivered::add);
    assertThat(delivered).containsExactly(1L, 2L);
  }

  @Test
  void holeInLiveStreamAsksForRead() {
    SeqGate<Long> gate = caughtUpGate(4);
    assertThat(gate.offer(5L, delivered::add)).isFalse();
    assertThat(gate.offer(7L, delivered::add)).isTrue();
    assertThat(gate.reading()).isTrue();
    gate.beginRead();
    assertThat(gate.onPage(List.of(6L, 7L), false, delivered::add)).isFalse();
    assertThat(gate.offer(6L, delivered::add)).isFalse(); // the late live copy of 6
    assertThat(delivered).containsExactly(5L, 6L, 7L);
  }

  @Test
  void messageArrivedAfterReadStartedWithHoleReadsAgain() {
    SeqGate<Long> gate = caughtUpGate(4);
    assertThat(gate.offer(6L, delivered::add)).isTrue();
    gate.beginRead();
    // 8 arrives during the read; the read (taken before 7 was accepted) returns 5 and 6
    gate.offer(8L, delivered::add);
    assertThat(gate.onPage(List.of(5L, 6L), false, delivered::add)).isTrue();
    gate.beginRead();
    assertThat(gate.onPage(List.of(7L, 8L), false, delivered::add)).isFalse();
    assertThat(delivered).containsExactly(5L, 6L, 7L, 8L);
  }

  @Test
  void seqsGoneFromStoreAreSkippedAfterCompleteRead() {
    SeqGate<Long> gate = caughtUpGate(1);
    assertThat(gate.offer(5L, delivered::add)).isTrue();
    gate.beginRead();
    // 2..4 expired: the read finds only 5
    assertThat(gate.onPage(List.of(5L), false, delivered::add)).isFalse();
    assertThat(gate.offer(6L, delivered::add)).isFalse();
    assertThat(delivered).containsExactly(5L, 6L);
    assertThat(gate.cursor()).isEqualTo(6);
  }

  @Test
  void heldMessagesBehindFenceDeliveredEvenWhenStoreLostThem() {
    SeqGate<Long> gate = caughtUpGate(1);
    gate.offer(4L, delivered::add);
    gate.beginRead();
    // trimmed from the inbox between dispatch and read: the read returns nothing
    assertThat(gate.onPage(List.of(), false, delivered::add)).isFalse();
    assertThat(delivered).containsExactly(4L);
    assertThat(gate.heldCount()).isZero();
  }

  @Test
  void pagedReadContinuesUntilComplete() {
    SeqGate<Long> gate = new SeqGate<>(0, Long::longValue);
    gate.beginRead();
    assertThat(gate.onPage(List.of(1L, 2L), true, delivered::add)).isTrue();
    gate.beginRead();
    gate.offer(5L, delivered::add);
    assertThat(gate.onPage(List.of(3L, 4L), true, delivered::add)).isTrue();
    gate.beginRead();
    assertThat(gate.onPage(List.of(5L), false, delivered::add)).isFalse();
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L);
  }
}
