package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds of a JVM's threads from {@code /proc/<pid>/task/<tid>/stat}, by kind of thread: JIT compiler, GC (and the
 * VM thread that runs its safepoints), Vert.x event loop, other. The kernel truncates thread names to 15 characters.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  static final double TICKS_PER_SECOND = 100.0; // USER_HZ; getconf CLK_TCK is 100 on Linux

  /** What a thread does, as far as its name tells. */
  enum Kind {
    JIT("jitSeconds"), GC("gcSeconds"), EVENT_LOOP("eventLoopSeconds"), OTHER("otherSeconds");

    final String field;

    Kind(String field) { this.field = field; }
  }

  /** The fields of one {@code stat} line that matter here; times in clock ticks. */
  record Stat(long id, String comm, long utimeTicks, long stimeTicks, long startTicks) {

    /**
     * Parses a {@code /proc/.../stat} line; null if malformed. The name sits between the first '(' and the last ')'
     * and may itself hold spaces and parentheses, so the fields are counted from the last ')'.
     */
    static Stat parse(String line) {
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

  /** The kind of a thread by its (possibly truncated) name. */
  static Kind classify(String name) {
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) return Kind.JIT;
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")
        || name.startsWith("Shenandoah")) return Kind.GC;
    if (name.startsWith("vert.x-eventloo")) return Kind.EVENT_LOOP;
    return Kind.OTHER;
  }

  /** The live threads of {@code pid} by thread id; empty when the process is gone or not readable. */
  static Map<Long, Stat> threads(long pid) {
    Map<Long, Stat> out = new HashMap<>();
    List<Path> tasks;
    try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks = s.toList();
    } catch (IOException | RuntimeException e) {
      return out;
    }
    for (Path t : tasks) {
      try {
        Stat st = Stat.parse(Files.readString(t.resolve("stat"), StandardCharsets.US_ASCII));
        if (st != null) out.put(st.id(), st);
      } catch (IOException | RuntimeException e) {
        // the thread ended between the listing and the read
      }
    }
    return out;
  }

  /**
   * CPU seconds per kind between two readings. A thread that ended within the window is left out (its time is gone
   * from /proc/<pid>/task, though still in the process total); one born within it counts from 0, and so does a
   * thread id reused by a new thread (told apart by its start time).
   */
  static Map<Kind, Double> split(Map<Long, Stat> before, Map<Long, Stat> after) {
    Map<Kind, Double> out = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) out.put(k, 0.0);
    for (Stat b : after.values()) {
      Stat a = before.get(b.id());
      long ticks = b.utimeTicks() + b.stimeTicks();
      if (a != null && a.startTicks() == b.startTicks()) ticks -= a.utimeTicks() + a.stimeTicks();
      out.merge(classify(b.comm()), Math.max(0, ticks) / TICKS_PER_SECOND, Double::sum);
    }
    return out;
  }

  /** The split as JSON fields: jitSeconds, gcSeconds, eventLoopSeconds, otherSeconds. */
  static JsonObject toJson(Map<Kind, Double> split) {
    JsonObject j = new JsonObject();
    split.forEach((k, v) -> j.put(k.field, v));
    return j;
  }
}
