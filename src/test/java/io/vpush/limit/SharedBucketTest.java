package io.vpush.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link RateLimit.SharedBucket}: the same GCRA as {@link RateLimit.Bucket}, exact when many threads take at once. */
class SharedBucketTest {

  private static final long MS = 1_000_000L;

  @Test
  void takesItsBurstThenRefusesAndRefillsAtTheRate() {
    RateLimit.SharedBucket b = RateLimit.perSecond(10, 5).newSharedBucket();
    assertThat(b.waitNanos(0)).isZero();
    for (int i = 0; i < 5; i++) assertThat(b.tryTake(0)).as("event %d of the burst", i).isTrue();
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.waitNanos(0)).isEqualTo(100 * MS);
    assertThat(b.tryTake(99 * MS)).isFalse();
    assertThat(b.tryTake(100 * MS)).isTrue();
    assertThat(b.tryTake(100 * MS)).isFalse();
    long later = 20_000 * MS;
    int taken = 0;
    while (b.tryTake(later)) taken++;
    assertThat(taken).as("never more than the burst, however long it rested").isEqualTo(5);
  }

  @Test
  void answersLikeAnUnsharedBucketForTheSameEvents() {
    RateLimit rule = RateLimit.perSecond(3, 4);
    RateLimit.Bucket plain = rule.newBucket();
    RateLimit.SharedBucket shared = rule.newSharedBucket();
    for (long t = 0; t < 5_000; t += 37) {
      long now = t * MS;
      assertThat(shared.tryTake(now)).as("at %d ms", t).isEqualTo(plain.tryTake(now));
      assertThat(shared.waitNanos(now)).isEqualTo(plain.waitNanos(now));
      assertThat(shared.retryAfterSeconds(now)).isEqualTo(plain.retryAfterSeconds(now));
    }
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUp() {
    RateLimit.SharedBucket b = RateLimit.perSecond(0.5, 1).newSharedBucket();
    assertThat(b.retryAfterSeconds(0)).isEqualTo(1);
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.retryAfterSeconds(0)).isEqualTo(2);
    assertThat(b.retryAfterSeconds(1_500 * MS)).isEqualTo(1);
  }

  @Test
  void threadsTakingAtOnceGetExactlyTheBurstBetweenThem() throws Exception {
    int burst = 10_000;
    RateLimit.SharedBucket b = RateLimit.perSecond(1, burst).newSharedBucket();
    int threads = 8;
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        // Time stands still (an argument): only the burst is there to take, whatever the interleaving.
        for (int n = 0; n < burst; n++) if (b.tryTake(0)) taken.incrementAndGet();
      });
      t.start();
      all.add(t);
    }
    go.countDown();
    for (Thread t : all) t.join();
    assertThat(taken.get()).isEqualTo(burst);
    assertThat(b.tryTake(0)).isFalse();
  }
}
