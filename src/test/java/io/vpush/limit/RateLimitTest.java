package io.vpush.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimitTest {

  private static final long MS = 1_000_000L;

  @Test
  void aFullBucketTakesItsBurstAtOnceThenRefuses() {
    RateLimit.Bucket b = RateLimit.perSecond(10, 5).newBucket();
    for (int i = 0; i < 5; i++) assertThat(b.tryTake(0)).as("event %d of the burst", i).isTrue();
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.tryTake(0)).as("a refusal takes nothing, and changes nothing").isFalse();
  }

  @Test
  void refillsAtTheRate() {
    RateLimit.Bucket b = RateLimit.perSecond(10, 5).newBucket();
    for (int i = 0; i < 5; i++) b.tryTake(0);
    assertThat(b.waitNanos(0)).isEqualTo(100 * MS);
    assertThat(b.tryTake(99 * MS)).isFalse();
    assertThat(b.tryTake(100 * MS)).isTrue();
    assertThat(b.tryTake(100 * MS)).isFalse();
    // A second later the bucket holds ten intervals' worth, but never more than the burst.
    long later = 1_100 * MS + 10_000 * MS;
    int taken = 0;
    while (b.tryTake(later)) taken++;
    assertThat(taken).isEqualTo(5);
  }

  @Test
  void steadyUseAtTheRateIsNeverRefused() {
    RateLimit.Bucket b = RateLimit.perSecond(1_000, 1).newBucket();
    for (long t = 0; t < 10_000; t++) assertThat(b.tryTake(t * MS)).isTrue();
    assertThat(b.tryTake(9_999 * MS + MS / 2)).as("twice the rate").isFalse();
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
    RateLimit.Bucket b = RateLimit.perSecond(0.25, 1).newBucket();
    assertThat(b.retryAfterSeconds(0)).isEqualTo(1);
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.retryAfterSeconds(0)).isEqualTo(4);
    assertThat(b.retryAfterSeconds(3_500 * MS)).isEqualTo(1);
  }

  @Test
  void clocksThatStartNegativeOrJumpFarAheadWork() {
    RateLimit.Bucket b = RateLimit.perSecond(1, 2).newBucket();
    long start = -5_000 * MS;
    assertThat(b.tryTake(start)).isTrue();
    assertThat(b.tryTake(start)).isTrue();
    assertThat(b.tryTake(start)).isFalse();
    assertThat(b.tryTake(Long.MAX_VALUE / 2)).isTrue();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> RateLimit.perSecond(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimit.perSecond(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimit.perSecond(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
