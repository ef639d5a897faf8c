package io.vpush.bench;

/**
 * The find-max search over offered rates, without running anything: a geometric ladder from a start rate until a
 * rate misses twice in a row, then bisections (geometric midpoints) between the highest rate sustained and the lowest
 * one missed. The ladder's factor of 1.25 alone left the answer up to 25% short: 19,078/s sustained said nothing about
 * 20,000/s. The caller runs a step at {@link #rate()} and reports it with {@link #record} until {@link #done()}.
 */
final class RateSearch {

  private final double factor;
  private final int maxLadderSteps;
  private int refinementsLeft;
  private double rate;
  private Double best;
  private Double missed;
  private boolean repeating;
  private boolean refining;
  private boolean done;
  private int ladderSteps;
  private String stoppedBecause = "step limit reached";

  RateSearch(double start, double factor, int maxLadderSteps, int refinements) {
    if (start <= 0 || factor <= 1) throw new IllegalArgumentException("need a start rate > 0 and a factor > 1");
    this.rate = start;
    this.factor = factor;
    this.maxLadderSteps = maxLadderSteps;
    this.refinementsLeft = refinements;
    this.done = maxLadderSteps < 1;
  }

  /** The rate of the next step. */
  double rate() { return rate; }

  /** Whether the next step repeats a miss (a shared machine has noisy seconds: a miss counts once it repeats). */
  boolean repeating() { return repeating; }

  /** Whether the next step is a bisection after the ladder. */
  boolean refining() { return refining; }

  boolean done() { return done; }

  /** The highest rate sustained, or null. */
  Double best() { return best; }

  /** Why the search stopped where it did: the lowest rate missed and its reason, or the step limit if none missed. */
  String stoppedBecause() { return stoppedBecause; }

  /** The outcome of the step at {@link #rate()}: null if sustained, else why it missed. */
  void record(String miss) {
    if (done) throw new IllegalStateException("the search is over");
    if (!refining) ladderSteps++;
    if (miss != null && !repeating) {
      // A first miss on the ladder's last step ends the search there: no repeat, so not marked as repeating.
      if (!refining && ladderSteps >= maxLadderSteps) {
        done = true;
        stoppedBecause = String.format("at %.0f/s, the ladder's last step (once, not repeated): %s", rate, miss);
      } else {
        repeating = true;
      }
      return;
    }
    repeating = false;
    if (miss != null) {
      missed = rate;
      stoppedBecause = String.format("at %.0f/s (twice): %s", rate, miss);
    } else {
      best = rate;
      if (!refining) {
        rate = Math.ceil(rate * factor);
        if (ladderSteps >= maxLadderSteps) done = true;
        return;
      }
    }
    bisectOrStop();
  }

  private void bisectOrStop() {
    refining = true;
    double mid = best == null ? 0 : Math.ceil(Math.sqrt(best * missed));
    if (refinementsLeft < 1 || best == null || mid <= best || mid >= missed) {
      done = true;
      return;
    }
    refinementsLeft--;
    rate = mid;
  }
}
