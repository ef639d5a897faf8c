package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LivenessTest {
  @Test
  void deadOnlyAfterSilenceForTheWholeTimeout() {
    Liveness l = new Liveness(15_000, 0);
    assertThat(l.isDead(14_999)).isFalse();
    l.heard(10_000);
    assertThat(l.isDead(24_999)).isFalse();
    assertThat(l.isDead(25_000)).isTrue();
    l.heard(5_000); // a late callback never moves the clock back
    assertThat(l.isDead(25_000)).isTrue();
  }
}
