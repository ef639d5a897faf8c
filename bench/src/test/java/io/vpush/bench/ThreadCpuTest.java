package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.ProcStats;
import io.vpush.testing.ProcStats.Stat;
import java.security.MessageDigest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The thread classification and a real split of this JVM's own threads (the stat-line parse: the test kit's ProcStatsTest). */
class ThreadCpuTest {

  private static final double TOLERANCE_SECONDS = 0.05; // per-thread and process reads are not one atomic snapshot

  @Test
  void classifiesJvmThreadsByTheirTruncatedNames() {
    assertThat(ThreadCpu.classify("C1 CompilerThre")).isEqualTo(ThreadCpu.Kind.JIT);
    assertThat(ThreadCpu.classify("C2 CompilerThre")).isEqualTo(ThreadCpu.Kind.JIT);
    for (String gc : new String[] {"GC Thread#0", "GC Thread#1", "G1 Refine#0", "G1 Conc#0", "G1 Main Marker",
        "G1 Service", "G1 Young RemSet", "VM Thread", "Shenandoah Cont", "Shenandoah GC T"}) {
      assertThat(ThreadCpu.classify(gc)).as(gc).isEqualTo(ThreadCpu.Kind.GC);
    }
    assertThat(ThreadCpu.classify("vert.x-eventloo")).isEqualTo(ThreadCpu.Kind.EVENT_LOOP);
    for (String other : new String[] {"java", "VM Periodic Tas", "vert.x-acceptor", "vert.x-worker-t",
        "Sweeper thread", "Signal Dispatch", "G1"}) {
      assertThat(ThreadCpu.classify(other)).as(other).isEqualTo(ThreadCpu.Kind.OTHER);
    }
  }

  @Test
  void splitCountsNewThreadsFromZeroAndLeavesEndedOnesOut() {
    Map<Long, Stat> before = Map.of(
        1L, new Stat(1, "vert.x-eventloo", 100, 50, 10),
        2L, new Stat(2, "C2 CompilerThre", 300, 0, 10),
        3L, new Stat(3, "GC Thread#0", 40, 0, 10));
    Map<Long, Stat> after = Map.of(
        1L, new Stat(1, "vert.x-eventloo", 180, 90, 10), // +120 ticks
        // 2 ended; its id was reused by a new GC thread: counted from 0
        2L, new Stat(2, "G1 Refine#1", 7, 3, 900),
        4L, new Stat(4, "C1 CompilerThre", 25, 0, 950), // born within the window
        5L, new Stat(5, "Cleaner-0", 1, 0, 5));          // not seen before either
    Map<ThreadCpu.Kind, Double> split = ThreadCpu.split(before, after);
    assertThat(split.get(ThreadCpu.Kind.EVENT_LOOP)).isCloseTo(1.20, within(1e-9));
    assertThat(split.get(ThreadCpu.Kind.GC)).isCloseTo(0.10, within(1e-9));
    assertThat(split.get(ThreadCpu.Kind.JIT)).isCloseTo(0.25, within(1e-9));
    assertThat(split.get(ThreadCpu.Kind.OTHER)).isCloseTo(0.01, within(1e-9));
    assertThat(ThreadCpu.toJson(split).fieldNames())
        .containsExactlyInAnyOrder("jitSeconds", "gcSeconds", "eventLoopSeconds", "otherSeconds");
  }

  @Test
  void splitsThisJvmWithinItsProcessTotal() throws Exception {
    long pid = ProcessHandle.current().pid();
    ProcStats.Sample a = ProcStats.sample(pid);
    Map<Long, Stat> threadsA = ThreadCpu.threads(pid);
    burnSomeCpu();
    Map<Long, Stat> threadsB = ThreadCpu.threads(pid);
    ProcStats.Sample b = ProcStats.sample(pid);

    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    // Every JVM has a VM Thread: the names came through the parse.
    assertThat(threadsB.values()).anyMatch(t -> ThreadCpu.classify(t.comm()) == ThreadCpu.Kind.GC);

    Map<ThreadCpu.Kind, Double> window = ThreadCpu.split(threadsA, threadsB);
    assertThat(window.values()).allMatch(v -> v >= 0);
    assertThat(b.userSeconds() - a.userSeconds()).isNotNegative();
    assertThat(b.sysSeconds() - a.sysSeconds()).isNotNegative();
    assertThat(sum(window)).isLessThanOrEqualTo(b.cpuSeconds() - a.cpuSeconds() + TOLERANCE_SECONDS);

    // Over the JVM's life (all threads counted from 0): the live threads' time is part of the process's.
    double lifetime = sum(ThreadCpu.split(Map.of(), threadsB));
    assertThat(lifetime).isPositive().isLessThanOrEqualTo(b.cpuSeconds() + TOLERANCE_SECONDS);
  }

  @Test
  void perMessageAndSummariesShowTheServerSplit() {
    CpuSplit split = new CpuSplit();
    split.add(3.0, 1.0, Map.of(ThreadCpu.Kind.JIT, 0.5, ThreadCpu.Kind.GC, 0.25, ThreadCpu.Kind.EVENT_LOOP, 3.0));
    split.add(0.5, 0.5, null); // e.g. Redis: user and sys only
    JsonObject meter = new JsonObject().put("serverCpuSeconds", 5.0).put("loadgenCpuSeconds", 1.0)
        .put("serverSplit", split.toJson(true));
    assertThat(meter.getJsonObject("serverSplit").getDouble("otherSeconds")).isZero();
    JsonObject step = ScenarioContext.perMessage(meter, 100_000);
    assertThat(step.getDouble("serverCpuMicrosPerMessage")).isCloseTo(50.0, within(1e-9));
    assertThat(step.getDouble("serverSysMicrosPerMessage")).isCloseTo(15.0, within(1e-9));
    assertThat(step.getDouble("serverJitMicrosPerMessage")).isCloseTo(5.0, within(1e-9));
    assertThat(step.getDouble("serverGcMicrosPerMessage")).isCloseTo(2.5, within(1e-9));
    assertThat(Report.cpuSplit(step)).isEqualTo(" (sys 15.0, jit 5.0, gc 2.5)");
    assertThat(MarkdownTable.cpuSplit(step)).isEqualTo("sys 15 / jit 5 / gc 3 µs");

    // No server process known: nothing to split, and older reports without the fields print as before.
    JsonObject unknown = ScenarioContext.perMessage(new JsonObject().put("loadgenCpuSeconds", 1.0)
        .put("serverSplit", new CpuSplit().toJson(false)), 100);
    assertThat(unknown.getValue("serverSysMicrosPerMessage")).isNull();
    assertThat(unknown.getValue("serverJitMicrosPerMessage")).isNull();
    assertThat(Report.cpuSplit(unknown)).isEmpty();
    assertThat(MarkdownTable.cpuSplit(new JsonObject())).isEmpty();
  }

  private static double sum(Map<ThreadCpu.Kind, Double> split) {
    return split.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static void burnSomeCpu() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] data = new byte[1 << 20];
    for (int i = 0; i < 50; i++) {
      sha.update(data);
      data[i] = sha.digest()[0];
    }
  }
}
