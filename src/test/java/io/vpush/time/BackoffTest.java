package io.vpush.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpush.config.VPushConfig;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void defaultsDoubleFromFiveSecondsAndCapAtSixty() {
    Backoff b = Backoff.of(VPushConfig.defaults());
    assertThat(b.maxRetries()).isEqualTo(5);
    assertThat(new long[] {b.delayBeforeResend(1), b.delayBeforeResend(2), b.delayBeforeResend(3),
        b.delayBeforeResend(4), b.delayBeforeResend(5), b.delayBeforeResend(6)})
        .containsExactly(5_000, 10_000, 20_000, 40_000, 60_000, 60_000);
  }

  @Test
  void capStaysForLargeResendNumbersWithoutOverflow() {
    Backoff b = new Backoff(5_000, 60_000, 100);
    assertThat(b.delayBeforeResend(63)).isEqualTo(60_000);
    assertThat(b.delayBeforeResend(64)).isEqualTo(60_000);
    assertThat(b.delayBeforeResend(Integer.MAX_VALUE)).isEqualTo(60_000);
    Backoff huge = new Backoff(Long.MAX_VALUE / 2, Long.MAX_VALUE, 3);
    assertThat(huge.delayBeforeResend(2)).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(huge.delayBeforeResend(3)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void smallValuesAndCapBelowFirstWait() {
    Backoff small = new Backoff(10, 35, 0);
    assertThat(small.maxRetries()).isZero();
    assertThat(new long[] {small.delayBeforeResend(1), small.delayBeforeResend(2), small.delayBeforeResend(3)})
        .containsExactly(10, 20, 35);
    Backoff capped = new Backoff(100, 40, 2);
    assertThat(capped.delayBeforeResend(1)).isEqualTo(40);
    assertThat(capped.delayBeforeResend(2)).isEqualTo(40);
    Backoff exact = new Backoff(1, 8, 5);
    assertThat(new long[] {exact.delayBeforeResend(1), exact.delayBeforeResend(4), exact.delayBeforeResend(5)})
        .containsExactly(1, 8, 8);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new Backoff(0, 10, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(10, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(10, 10, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(10, 10, 1).delayBeforeResend(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
