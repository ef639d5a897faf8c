package io.vpush.store.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogThrottleTest {

  @Test
  void letsOneWarningThroughPerIntervalAndCountsTheOthers() {
    LogThrottle t = new LogThrottle(10_000);
    assertThat(t.admit(1_000)).as("the first one").isZero();
    assertThat(t.admit(5_000)).isEqualTo(-1);
    assertThat(t.admit(10_999)).isEqualTo(-1);
    assertThat(t.admit(11_000)).as("two held back since").isEqualTo(2);
    assertThat(t.admit(11_001)).isEqualTo(-1);
    assertThat(t.admit(50_000)).isEqualTo(1);
    assertThat(t.admit(60_000)).isZero();
  }
}
