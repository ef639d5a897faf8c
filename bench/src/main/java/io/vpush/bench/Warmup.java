package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.ProcStats.Stat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unmeasured load before the measured steps, run in rounds until the server's JIT has settled: at least
 * {@code --warmup-ms} (in whole rounds), then while the server JVMs' compiler threads used more than {@code --warmup-jit-percent} (5) of
 * one core in the last round of {@code --warmup-round-ms} (10 s), up to {@code --warmup-max-ms} (180 s).
 *
 * <p>Why rounds rather than a fixed time: on the 2-core box the C2 compiler shares the cores with the event loops, so
 * a busy node takes 40 to 150 s to compile its hot paths, and a step measured before that counts compilation as CPU
 * per message (measured: 20-35% of the node's CPU 30 s into a run, 2% after it settled).
 */
final class Warmup {

  /** One round of a scenario's load for the given milliseconds; answers its publish summary. */
  @FunctionalInterface
  interface Round {
    JsonObject run(long ms) throws InterruptedException;
  }

  /** Whether the last round's JIT share is low enough to stop (pure, for the test). */
  static boolean settled(double jitSeconds, double roundSeconds, double maxPercentOfCore) {
    return roundSeconds > 0 && jitSeconds * 100 / roundSeconds <= maxPercentOfCore;
  }

  private final List<Long> serverPids;
  private final long minMs;
  private final long roundMs;
  private final long maxMs;
  private final double jitPercent;

  Warmup(List<Long> serverPids, BenchOptions o) {
    this.serverPids = serverPids;
    this.minMs = o.longValue("warmup-ms", 0);
    this.roundMs = Math.max(1_000, o.longValue("warmup-round-ms", 10_000));
    this.maxMs = Math.max(minMs, o.longValue("warmup-max-ms", 180_000));
    this.jitPercent = o.dbl("warmup-jit-percent", 5);
  }

  /**
   * Runs {@code load} (the scenario's load for the given milliseconds, returning its publish summary) in rounds;
   * null when {@code --warmup-ms} is 0. Without server pids (a remote target) it runs {@code --warmup-ms} once.
   */
  JsonObject run(Round load) throws InterruptedException {
    if (minMs <= 0) return null;
    if (serverPids.isEmpty()) return load.run(minMs).put("rounds", 1).put("settled", (Object) null);
    JsonArray rounds = new JsonArray();
    JsonObject last = null;
    long elapsed = 0;
    boolean settled = false;
    while (elapsed < maxMs) {
      long ms = Math.min(roundMs, maxMs - elapsed);
      Map<Long, Map<Long, Stat>> before = readThreads();
      long t0 = System.nanoTime();
      last = load.run(ms);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double jit = jitSeconds(before, readThreads());
      elapsed += Math.max(ms, Math.round(seconds * 1000)); // a round may outlast its length (a drain, a reconnect)
      rounds.add(new JsonObject().put("ms", ms).put("seconds", seconds).put("jitSeconds", jit));
      settled = settled(jit, seconds, jitPercent);
      if (elapsed >= minMs && settled) break;
    }
    return last.put("rounds", rounds).put("settled", settled).put("warmupMs", elapsed);
  }

  private Map<Long, Map<Long, Stat>> readThreads() {
    Map<Long, Map<Long, Stat>> out = new HashMap<>();
    for (long pid : serverPids) out.put(pid, ThreadCpu.threads(pid));
    return out;
  }

  private static double jitSeconds(Map<Long, Map<Long, Stat>> before, Map<Long, Map<Long, Stat>> after) {
    double jit = 0;
    for (Map.Entry<Long, Map<Long, Stat>> e : after.entrySet()) {
      jit += ThreadCpu.split(before.getOrDefault(e.getKey(), Map.of()), e.getValue()).get(ThreadCpu.Kind.JIT);
    }
    return jit;
  }
}
