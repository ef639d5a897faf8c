package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void ceilingDoublesUpToTheMaxAndTheDrawIsFullJitter() {
    Backoff b = new Backoff(100, 1_000, 5_000);
    assertThat(b.nextDelayMs(0.999999)).isEqualTo(99);   // [0, 100)
    assertThat(b.nextDelayMs(0.5)).isEqualTo(100);       // half of 200
    assertThat(b.nextDelayMs(0.0)).isZero();             // full jitter reaches 0
    assertThat(b.nextDelayMs(0.999999)).isEqualTo(799);
    assertThat(b.nextDelayMs(0.999999)).isEqualTo(999);  // 1600 capped at 1000
    for (int i = 0; i < 100; i++) assertThat(b.nextDelayMs(0.999999)).isLessThan(1_000); // never overflows
    assertThat(b.ceilingMs(200)).isEqualTo(1_000);
  }

  @Test
  void aStableConnectionResetsTheAttemptsAShortOneDoesNot() {
    Backoff b = new Backoff(100, 10_000, 5_000);
    b.nextDelayMs(0.5);
    b.nextDelayMs(0.5);
    b.connectionEnded(1_000, 5_999);  // up 4.999 s: flapping, keep backing off
    assertThat(b.attempts()).isEqualTo(2);
    assertThat(b.nextDelayMs(0.999999)).isEqualTo(399);
    b.connectionEnded(1_000, 6_000);  // up 5 s: stable
    assertThat(b.attempts()).isZero();
    assertThat(b.nextDelayMs(0.999999)).isEqualTo(99);
  }
}
