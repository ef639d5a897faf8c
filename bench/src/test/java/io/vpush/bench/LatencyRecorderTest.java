package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The latency recorder's per-second cutting and its cross-process encoding. */
class LatencyRecorderTest {

  @Test
  void cutsIntoSecondsAndTheTailGoesToTheSecondAfterTheLastCut() {
    LatencyRecorder r = new LatencyRecorder();
    r.record(1_000);
    r.record(2_000);
    r.cut(100);
    r.record(50_000);
    r.cutTail();
    assertThat(r.perSecond()).containsOnlyKeys(100L, 101L);
    assertThat(r.perSecond().get(100L).getTotalCount()).isEqualTo(2);
    assertThat(r.perSecond().get(101L).getMaxValue()).isBetween(49_900L, 50_100L);
    assertThat(r.total().getTotalCount()).isEqualTo(3);
  }

  @Test
  void mergesAnotherProcessesHistogramsBySecond() {
    LatencyRecorder child = new LatencyRecorder();
    child.record(3_000);
    child.cut(100);
    child.record(4_000);
    child.cut(101);
    LatencyRecorder parent = new LatencyRecorder();
    parent.record(5_000);
    parent.cut(101);
    parent.merge(new JsonObject(child.toJson().encode()));
    assertThat(parent.total().getTotalCount()).isEqualTo(3);
    assertThat(parent.perSecond().get(100L).getTotalCount()).isEqualTo(1);
    assertThat(parent.perSecond().get(101L).getTotalCount()).isEqualTo(2);
    JsonObject summary = LatencyRecorder.summary(parent.total());
    assertThat(summary.getDouble("maxMs")).isBetween(4.99, 5.01);
  }

  @Test
  void negativeLatenciesFromClockStepsCountAsZero() {
    LatencyRecorder r = new LatencyRecorder();
    r.record(-5);
    r.cut(1);
    assertThat(r.total().getMaxValue()).isZero();
  }
}
