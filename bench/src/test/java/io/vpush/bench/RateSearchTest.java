package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;

class RateSearchTest {

  /** Runs the search against a machine that sustains exactly the rates {@code sustains} accepts; the rates run. */
  private static List<Double> run(RateSearch search, DoublePredicate sustains) {
    List<Double> ran = new ArrayList<>();
    while (!search.done()) {
      ran.add(search.rate());
      search.record(sustains.test(search.rate()) ? null : "p99 too high");
    }
    return ran;
  }

  @Test
  void climbsTheLadderThenBisectsBelowTheRateMissedTwice() {
    RateSearch search = new RateSearch(5000, 1.25, 12, 1);
    List<Double> ran = run(search, r -> r <= 22_000);
    assertThat(ran).containsExactly(5000.0, 6250.0, 7813.0, 9767.0, 12209.0, 15262.0, 19078.0, 23848.0, 23848.0, 21331.0);
    assertThat(search.best()).isEqualTo(21331.0);
    assertThat(search.stoppedBecause()).isEqualTo("at 23848/s (twice): p99 too high");
  }

  @Test
  void aMissedBisectionIsRepeatedAndNamesTheLowestRateMissed() {
    RateSearch search = new RateSearch(5000, 1.25, 12, 2);
    List<Double> ran = run(search, r -> r <= 20_000);
    assertThat(ran.subList(7, ran.size())).containsExactly(23848.0, 23848.0, 21331.0, 21331.0, 20174.0, 20174.0);
    assertThat(search.best()).isEqualTo(19078.0);
    assertThat(search.stoppedBecause()).startsWith("at 20174/s (twice)");
  }

  @Test
  void aSingleMissIsNoiseAndTheClimbGoesOn() {
    RateSearch search = new RateSearch(1000, 2, 12, 0);
    boolean[] first = {true};
    List<Double> ran = run(search, r -> {
      if (r == 2000 && first[0]) {
        first[0] = false;
        return false;
      }
      return r <= 4000;
    });
    assertThat(ran).containsExactly(1000.0, 2000.0, 2000.0, 4000.0, 8000.0, 8000.0);
    assertThat(search.best()).isEqualTo(4000.0);
  }

  @Test
  void theLadderStopsAtItsStepLimitAndAFirstRateMissedLeavesNoBest() {
    RateSearch limited = new RateSearch(1000, 2, 3, 1);
    assertThat(run(limited, r -> true)).containsExactly(1000.0, 2000.0, 4000.0);
    assertThat(limited.best()).isEqualTo(4000.0);
    assertThat(limited.stoppedBecause()).isEqualTo("step limit reached");

    RateSearch missedLast = new RateSearch(1000, 2, 2, 1);
    missedLast.record(null);
    missedLast.record("p99 too high");
    assertThat(missedLast.done()).isTrue();
    assertThat(missedLast.repeating()).as("a step that is not repeated").isFalse();
    assertThat(missedLast.best()).isEqualTo(1000.0);
    assertThat(missedLast.stoppedBecause()).isEqualTo("at 2000/s, the ladder's last step (once, not repeated): p99 too high");

    RateSearch none = new RateSearch(1000, 2, 12, 1);
    assertThat(run(none, r -> false)).containsExactly(1000.0, 1000.0);
    assertThat(none.best()).isNull();
  }
}
