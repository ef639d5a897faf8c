package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.ProcStats.Stat;
import io.vpush.testing.ProcStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU seconds of every process involved over a measurement window: the server(s), Redis/Kafka ({@code --extra-pid
 * redis=123,kafka=456}) and the load generator itself, plus the hypervisor steal of the window (it moves tail latency).
 * Each is split into user and kernel time, and for the JVMs (server, loadgen) by kind of thread (see {@link ThreadCpu}),
 * since JIT and GC threads share the cores with the event loops and would otherwise hide in the CPU per message.
 */
final class ServerMeter {

  private final Map<Long, String> roles = new LinkedHashMap<>();
  private final Map<Long, ProcStats.Sample> before = new LinkedHashMap<>();
  private final Map<Long, Map<Long, Stat>> threadsBefore = new LinkedHashMap<>();
  private long startNanos;
  private long[] cpuBefore;
  private final io.vertx.core.Vertx vertx;
  private final String redisUrl;
  private java.util.OptionalLong redisBefore = java.util.OptionalLong.empty();
  private Map<String, Long> redisPerCommandBefore = Map.of();
  private ServerProfiler profiler;
  // The processes whose threads are split by kind: JVMs only (a Node load generator has no such thread names).
  private final java.util.Set<Long> jvms = new java.util.HashSet<>();

  /** {@code redisUrl} (may be null): also count the Redis commands processed in the window. */
  ServerMeter(List<Long> serverPids, List<String> extraPids, List<Long> generatorPids, io.vertx.core.Vertx vertx,
              String redisUrl) {
    this.vertx = vertx;
    this.redisUrl = redisUrl;
    serverPids.forEach(p -> roles.put(p, "server"));
    for (String e : extraPids) {
      int eq = e.indexOf('=');
      roles.putIfAbsent(Long.parseLong(e.substring(eq + 1)), eq > 0 ? e.substring(0, eq) : "extra");
    }
    generatorPids.forEach(p -> roles.putIfAbsent(p, "loadgen"));
    roles.forEach((pid, role) -> { if (jvm(role) && isJava(pid)) jvms.add(pid); });
  }

  /** Profiles the server JVMs over this meter's window too (null: no profiler). */
  ServerMeter profiling(ServerProfiler profiler) {
    this.profiler = profiler;
    return this;
  }

  ServerMeter start() {
    before.clear();
    threadsBefore.clear();
    // The process first, then its threads (and the reverse in stop()): the threads' window then lies within the
    // process's, so the kinds cannot add up to more than the process total (but for per-thread rounding).
    roles.forEach((pid, role) -> {
      before.put(pid, ProcStats.sample(pid));
      if (jvms.contains(pid)) threadsBefore.put(pid, ThreadCpu.threads(pid));
    });
    cpuBefore = procStatCpu();
    if (redisUrl != null) {
      redisPerCommandBefore = RedisCommands.perCommand(vertx, redisUrl);
      redisBefore = RedisCommands.total(vertx, redisUrl);
    }
    startNanos = System.nanoTime();
    if (profiler != null) profiler.resume();
    return this;
  }

  /**
   * {wallSeconds, stealPercent, serverCpuSeconds (server + extras), loadgenCpuSeconds, processes[{role, pid,
   * cpuSeconds, userSeconds, sysSeconds, rssMB, and for JVMs jitSeconds, gcSeconds, eventLoopSeconds, otherSeconds}],
   * serverSplit (see {@link CpuSplit}), redisCommands (when a Redis is known; the two INFO calls included)}.
   */
  JsonObject stop() {
    if (profiler != null) profiler.pause();
    double wall = (System.nanoTime() - startNanos) / 1e9;
    java.util.OptionalLong redisAfter = redisUrl == null ? java.util.OptionalLong.empty() : RedisCommands.total(vertx, redisUrl);
    long[] cpuAfter = procStatCpu();
    double server = 0;
    double loadgen = 0;
    int serversMeasured = 0;
    CpuSplit serverSplit = new CpuSplit();
    JsonArray procs = new JsonArray();
    for (Map.Entry<Long, String> r : roles.entrySet()) {
      boolean jvm = jvms.contains(r.getKey());
      Map<Long, Stat> threadsAfter = jvm ? ThreadCpu.threads(r.getKey()) : Map.of();
      ProcStats.Sample a = before.get(r.getKey());
      ProcStats.Sample b = ProcStats.sample(r.getKey());
      if (a == null || b == null) continue;
      double cpu = b.cpuSeconds() - a.cpuSeconds();
      JsonObject proc = new JsonObject().put("role", r.getValue()).put("pid", r.getKey()).put("cpuSeconds", cpu)
          .put("userSeconds", b.userSeconds() - a.userSeconds()).put("sysSeconds", b.sysSeconds() - a.sysSeconds())
          .put("rssMB", b.rssBytes() / 1048576.0);
      Map<Long, Stat> threadsA = threadsBefore.getOrDefault(r.getKey(), Map.of());
      Map<ThreadCpu.Kind, Double> kinds = threadsA.isEmpty() || threadsAfter.isEmpty() ? null
          : ThreadCpu.split(threadsA, threadsAfter);
      if (kinds != null) proc.mergeIn(ThreadCpu.toJson(kinds));
      procs.add(proc);
      if ("loadgen".equals(r.getValue())) loadgen += cpu;
      else {
        server += cpu;
        serversMeasured++;
        serverSplit.add(proc.getDouble("userSeconds"), proc.getDouble("sysSeconds"), kinds);
      }
    }
    // No server process known (a remote target without --server-pid): say so rather than report 0 CPU.
    JsonObject out = new JsonObject().put("wallSeconds", wall).put("serverCpuSeconds", serversMeasured == 0 ? null : server)
        .put("serverSplit", serverSplit.toJson(serversMeasured > 0))
        .put("loadgenCpuSeconds", loadgen).put("processes", procs);
    if (redisBefore.isPresent() && redisAfter.isPresent()) {
      out.put("redisCommands", redisAfter.getAsLong() - redisBefore.getAsLong());
      // Which commands: the first thing to look at when commands per message are high.
      JsonObject perCommand = new JsonObject();
      RedisCommands.perCommand(vertx, redisUrl).forEach((cmd, calls) -> {
        long d = calls - redisPerCommandBefore.getOrDefault(cmd, 0L);
        if (d > 0) perCommand.put(cmd, d);
      });
      out.put("redisCommandsByName", perCommand);
    }
    if (cpuBefore != null && cpuAfter != null) {
      long total = 0;
      for (int i = 0; i < cpuAfter.length; i++) total += cpuAfter[i] - cpuBefore[i];
      out.put("stealPercent", total == 0 ? 0 : 100.0 * (cpuAfter[7] - cpuBefore[7]) / total);
    }
    return out;
  }

  /** The roles that are JVMs, whose threads have names worth splitting by; the extras (Redis...) are not. */
  private static boolean jvm(String role) {
    return "server".equals(role) || "loadgen".equals(role);
  }

  /** Whether {@code pid} runs a JVM ({@code /proc/<pid>/comm} is "java"); true when it cannot be read. */
  private static boolean isJava(long pid) {
    try {
      return "java".equals(Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim());
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /** The aggregate "cpu" line of /proc/stat (user nice system idle iowait irq softirq steal ...). */
  private static long[] procStatCpu() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      List<Long> v = new ArrayList<>();
      for (int i = 1; i < f.length; i++) v.add(Long.parseLong(f[i]));
      return v.stream().mapToLong(Long::longValue).toArray();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
