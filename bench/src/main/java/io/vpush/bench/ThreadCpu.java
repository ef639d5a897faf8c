package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.ProcStats;
import io.vpush.testing.ProcStats.Stat;
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

  /** What a thread does, as far as its name tells. */
  enum Kind {
    JIT("jitSeconds"), GC("gcSeconds"), EVENT_LOOP("eventLoopSeconds"), OTHER("otherSeconds");

    final String field;

    Kind(String field) { this.field = field; }
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
      out.merge(classify(b.comm()), Math.max(0, ticks) / ProcStats.TICKS_PER_SECOND, Double::sum);
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
