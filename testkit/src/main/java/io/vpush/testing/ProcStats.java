package io.vpush.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU seconds and RSS of a process from /proc, and its Java heap after a full GC through {@code jcmd}. */
public final class ProcStats {
  private ProcStats() {}

  /** Clock ticks per second of the times in /proc (USER_HZ; {@code getconf CLK_TCK} is 100 on Linux). */
  public static final double TICKS_PER_SECOND = 100.0;

  private static final Pattern USED = Pattern.compile("^ \\S.*total \\d+K, used (\\d+)K");

  /** A reading of one process: its CPU seconds in user mode and in the kernel (utime, stime), and its RSS. */
  public record Sample(long pid, double userSeconds, double sysSeconds, long rssBytes) {
    public double cpuSeconds() { return userSeconds + sysSeconds; }

    public JsonObject toJson() {
      return new JsonObject().put("pid", pid).put("cpuSeconds", cpuSeconds()).put("rssMB", rssBytes / 1048576.0);
    }
  }

  /** The fields of one {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} line that matter here; times in clock ticks. */
  public record Stat(long id, String comm, long utimeTicks, long stimeTicks, long startTicks) {

    /**
     * Parses a {@code stat} line; null if malformed. The name sits between the first '(' and the last ')' and may
     * itself hold spaces and parentheses, so the fields are counted from the last ')'.
     */
    public static Stat parse(String line) {
      try {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) return null;
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
        return new Stat(Long.parseLong(line.substring(0, open).trim()), line.substring(open + 1, close),
            Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[19]));
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** Reads /proc/pid/stat (utime + stime) and /proc/pid/status (VmRSS); null when the process is gone. */
  public static Sample sample(long pid) {
    try {
      Stat stat = Stat.parse(
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII));
      if (stat == null) return null;
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
      return new Sample(pid, stat.utimeTicks() / TICKS_PER_SECOND,
          stat.stimeTicks() / TICKS_PER_SECOND, rss);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Runs {@code jcmd pid GC.run}, then sums the "used" of the heap lines of {@code GC.heap_info} (one line for G1,
   * young + old for the parallel and serial collectors). Blocking: call it off the event loop.
   */
  public static OptionalLong heapAfterGcBytes(long pid) {
    try {
      if (jcmd(pid, "GC.run") == null) return OptionalLong.empty();
      String info = jcmd(pid, "GC.heap_info");
      if (info == null) return OptionalLong.empty();
      long usedK = 0;
      boolean any = false;
      for (String line : info.split("\n")) {
        Matcher m = USED.matcher(line);
        if (m.find() && !line.contains("Metaspace")) {
          usedK += Long.parseLong(m.group(1));
          any = true;
        }
      }
      return any ? OptionalLong.of(usedK * 1024) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    }
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command)
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
    return new String(out, StandardCharsets.UTF_8);
  }
}
