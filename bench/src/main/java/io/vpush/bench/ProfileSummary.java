package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a server JVM's CPU samples went, from async-profiler's collapsed stacks ({@code frame;frame;... count} per
 * line, root first): the kernel's share and the syscalls it went to, the GC and JIT threads, and the vpush methods
 * that hold the most samples. These are the figures benchmarks.md quotes when a target is missed; the flame graph
 * beside the file shows the rest.
 */
final class ProfileSummary {

  /** Kernel frames that mark a socket write, a socket read, the event loop's wait, and a page fault. */
  private static final List<String> WRITES = List.of("ksys_write_[k]", "do_writev_[k]", "__sys_sendto_[k]", "__sys_sendmsg_[k]");
  private static final List<String> READS = List.of("ksys_read_[k]", "do_readv_[k]", "__sys_recvfrom_[k]", "__sys_recvmsg_[k]");
  private static final List<String> WAITS = List.of("do_epoll_wait_[k]", "epoll_wait");
  private static final List<String> FAULTS = List.of("asm_exc_page_fault_[k]");
  /** HotSpot's own threads: the collectors (G1's workers were GangWorker before JDK 20, WorkerThread since). */
  private static final List<String> GC = List.of("ConcurrentGCThread::run", "GangWorker::", "WorkerThread::run", "VMThread::run");
  private static final List<String> JIT = List.of("CompileBroker::");
  private static final String VPUSH = "io/vpush/";

  private long total;
  private long kernel;
  private long writes;
  private long reads;
  private long waits;
  private long faults;
  private long gc;
  private long jit;
  private final Map<String, Long> vpush = new HashMap<>();

  /** Summarises collapsed stacks; lines that are not {@code stack count} are skipped. */
  static ProfileSummary of(List<String> lines) {
    ProfileSummary s = new ProfileSummary();
    for (String line : lines) s.add(line);
    return s;
  }

  private void add(String line) {
    int sp = line.lastIndexOf(' ');
    if (sp <= 0) return;
    long n;
    try {
      n = Long.parseLong(line.substring(sp + 1).trim());
    } catch (NumberFormatException e) {
      return;
    }
    String[] frames = line.substring(0, sp).split(";");
    total += n;
    if (frames[frames.length - 1].endsWith("_[k]")) kernel += n;
    if (anyFrame(frames, WRITES)) writes += n;
    if (anyFrame(frames, READS)) reads += n;
    if (anyFrame(frames, WAITS)) waits += n;
    if (anyFrame(frames, FAULTS)) faults += n;
    if (anyContains(frames, GC)) gc += n;
    else if (anyContains(frames, JIT)) jit += n;
    // Inclusive: a method counts once per stack however deep it recurses. Lambdas are their enclosing method's.
    Set<String> seen = new HashSet<>();
    for (String f : frames) {
      if (f.startsWith(VPUSH) && !f.contains("$$Lambda") && seen.add(f)) vpush.merge(f, n, Long::sum);
    }
  }

  long samples() { return total; }

  /** The share of all samples (0..1) of each kind; kinds overlap (a page fault in a write is both). */
  JsonObject shares() {
    return new JsonObject()
        .put("kernel", share(kernel)).put("socketWrites", share(writes)).put("socketReads", share(reads))
        .put("epollWait", share(waits)).put("pageFaults", share(faults)).put("gcThreads", share(gc))
        .put("jitThreads", share(jit));
  }

  /** The {@code n} vpush methods with the most samples, inclusive of what they call: {@code [{method, share}]}. */
  JsonArray topVpush(int n) {
    JsonArray out = new JsonArray();
    vpush.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .limit(n)
        .forEach(e -> out.add(new JsonObject().put("method", e.getKey().replace('/', '.')).put("share", share(e.getValue()))));
    return out;
  }

  JsonObject toJson(int top) {
    return new JsonObject().put("samples", total).put("shares", shares()).put("topVpush", topVpush(top));
  }

  private double share(long n) {
    return total == 0 ? 0 : Math.round(n * 1000.0 / total) / 1000.0;
  }

  private static boolean anyFrame(String[] frames, List<String> names) {
    for (String f : frames) {
      if (names.contains(f)) return true;
    }
    return false;
  }

  private static boolean anyContains(String[] frames, List<String> parts) {
    for (String f : frames) {
      for (String p : parts) {
        if (f.contains(p)) return true;
      }
    }
    return false;
  }
}
