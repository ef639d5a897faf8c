package io.vpush.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The /proc stat-line parse, and real readings of this JVM. */
class ProcStatsTest {

  private static String statLine(long id, String comm, long utime, long stime, long start) {
    // Fields 3..22: state, ppid, pgrp, session, tty, tpgid, flags, minflt, cminflt, majflt, cmajflt, utime, stime,
    // cutime, cstime, priority, nice, num_threads, itrealvalue, starttime; then a few more.
    return id + " (" + comm + ") S 1 100 100 0 -1 1077936192 5000 0 3 0 " + utime + " " + stime
        + " 0 0 20 0 25 0 " + start + " 3000000000 40000 18446744073709551615 1 1 0 0 0 0\n";
  }

  @Test
  void parsesAStatLineWhoseNameHasSpacesAndParentheses() {
    ProcStats.Stat c2 = ProcStats.Stat.parse(statLine(1234, "C2 CompilerThre", 812, 37, 1500));
    assertThat(c2).isEqualTo(new ProcStats.Stat(1234, "C2 CompilerThre", 812, 37, 1500));
    ProcStats.Stat refine = ProcStats.Stat.parse(statLine(1235, "(G1 Refine#0)", 5, 6, 7));
    assertThat(refine).isEqualTo(new ProcStats.Stat(1235, "(G1 Refine#0)", 5, 6, 7));
    ProcStats.Stat odd = ProcStats.Stat.parse(statLine(9, "a) S 1 2 (b", 1, 2, 3));
    assertThat(odd).isEqualTo(new ProcStats.Stat(9, "a) S 1 2 (b", 1, 2, 3));
    assertThat(ProcStats.Stat.parse("1234 (truncated) S 1 2")).isNull();
    assertThat(ProcStats.Stat.parse("")).isNull();
  }

  @Test
  void readsThisJvmsCpuRssAndHeapAfterGc() {
    long pid = ProcessHandle.current().pid();
    ProcStats.Sample s = ProcStats.sample(pid);
    assertThat(s).isNotNull();
    assertThat(s.pid()).isEqualTo(pid);
    assertThat(s.cpuSeconds()).isPositive();
    assertThat(s.rssBytes()).isPositive();
    assertThat(ProcStats.heapAfterGcBytes(pid).orElse(-1)).isPositive();
  }

  @Test
  void aProcessThatIsGoneGivesNothing() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    assertThat(ProcStats.sample(p.pid())).isNull();
  }
}
