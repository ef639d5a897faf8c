package io.vpush.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.access.InboundLimits.Verdict;
import io.vpush.config.Settings;
import io.vpush.limit.RateLimit;
import io.vpush.testing.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One connection's rate buckets: refusals within the limits, a close for sustained abuse; time as an argument. */
class InboundBudgetTest {

  private static final long SECOND = 1_000_000_000L;

  /** 10 frames/s with a burst of 20, 2 upstream/s with a burst of 3, 5 refusals before a close (draining at 1/s). */
  private final InboundLimits limits = new InboundLimits(RateLimit.perSecond(10, 20), RateLimit.perSecond(2, 3),
      RateLimit.perSecond(1, 5), 4);

  @Test
  void theBurstIsAcceptedThenFramesAreRefusedThenTheConnectionIsClosed() {
    InboundBudget budget = new InboundBudget();
    for (int i = 0; i < 20; i++) assertThat(budget.frame(limits, 0)).isEqualTo(Verdict.ACCEPT);
    for (int i = 0; i < 5; i++) assertThat(budget.frame(limits, 0)).isEqualTo(Verdict.REFUSE);
    assertThat(budget.frame(limits, 0)).isEqualTo(Verdict.CLOSE);
  }

  @Test
  void aClientAtTheRateIsNeverRefused() {
    InboundBudget budget = new InboundBudget();
    for (long t = 0; t < 60 * SECOND; t += SECOND / 10) assertThat(budget.frame(limits, t)).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void refusalsNowAndThenDrainAndNeverClose() {
    InboundBudget budget = new InboundBudget();
    for (int i = 0; i < 20; i++) budget.frame(limits, 0);
    // Every second: the 10 frames the rate refills, then 1 frame too many; one refusal a second drains as fast.
    for (long s = 1; s <= 60; s++) {
      for (int i = 0; i < 10; i++) assertThat(budget.frame(limits, s * SECOND)).isEqualTo(Verdict.ACCEPT);
      assertThat(budget.frame(limits, s * SECOND)).isEqualTo(Verdict.REFUSE);
    }
  }

  @Test
  void upstreamHasItsOwnLimitOnTopOfFrames() {
    InboundBudget budget = new InboundBudget();
    for (int i = 0; i < 3; i++) assertThat(budget.upstream(limits, 0)).isEqualTo(Verdict.ACCEPT);
    assertThat(budget.upstream(limits, 0)).isEqualTo(Verdict.REFUSE);
    assertThat(budget.frame(limits, 0)).isEqualTo(Verdict.ACCEPT); // frames are not touched by upstream refusals
    assertThat(budget.upstream(limits, SECOND / 2)).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void theDefaultsLetAThousandFramesAtOnceThrough() {
    InboundLimits defaults = InboundLimits.of(TestNode.config(Map.of()));
    InboundBudget budget = new InboundBudget();
    for (int i = 0; i < 1_000; i++) assertThat(budget.frame(defaults, 0)).isEqualTo(Verdict.ACCEPT);
    assertThat(defaults.maxTopics()).isEqualTo(Settings.TOPICS_MAX_PER_CONNECTION.defaultValue());
  }
}
