package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AckBatcherTest {
  @Test
  void acksTheHighestSeqOnceTheCountIsReached() {
    AckBatcher a = new AckBatcher(1_000, 3);
    assertThat(a.processed(1, 0)).isFalse();
    assertThat(a.processed(2, 0)).isFalse();
    assertThat(a.processed(3, 0)).isTrue();
    assertThat(a.take()).isEqualTo(3);
    assertThat(a.take()).isEqualTo(-1);
    assertThat(a.dueAtMs()).isEqualTo(-1);
  }

  @Test
  void aBatchIsDueIntervalAfterItsFirstSeq() {
    AckBatcher a = new AckBatcher(100, 50);
    a.processed(7, 1_000);
    a.processed(8, 1_090);
    assertThat(a.dueAtMs()).isEqualTo(1_100);
    assertThat(a.isDue(1_099)).isFalse();
    assertThat(a.isDue(1_100)).isTrue();
    assertThat(a.take()).isEqualTo(8);
    a.processed(9, 2_000);
    assertThat(a.dueAtMs()).isEqualTo(2_100);
  }

  @Test
  void aDuplicateIsAckedAgainWithoutMovingBack() {
    AckBatcher a = new AckBatcher(100, 1);
    a.processed(5, 0);
    assertThat(a.take()).isEqualTo(5);
    assertThat(a.processed(5, 10)).isTrue(); // the server re-sent 5: its ack was lost
    assertThat(a.take()).isEqualTo(5);
    assertThat(a.ackedSeq()).isEqualTo(5);
  }

  @Test
  void intervalZeroAcksEachSeqAtOnce() {
    AckBatcher a = new AckBatcher(0, 50);
    assertThat(a.processed(1, 0)).isTrue();
  }
}
