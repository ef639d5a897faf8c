package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.Processes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code reconnect-js}: the {@link ReconnectScenario} cycle through Node clients instead of the Java fleet, once per
 * {@code --client} mode (default {@code raw,sdk}, one after the other on the same server; a mode may repeat): {@code raw} is plain
 * {@code ws} WebSockets with hand-written bridge frames, {@code sdk} is {@code @vpush/client} with a real handler.
 * The load generator measured is the Node process only; the result has each mode's figures and the sdk/raw ratios
 * of the client's and the server's CPU per reconnect (the SDK's target: at most 1.5 on the client, the server
 * unchanged).
 */
final class ReconnectJsScenario implements Scenario {

  @Override
  public String name() { return "reconnect-js"; }

  @Override
  public boolean ownClients() { return true; }

  @Override
  public JsonObject run(ScenarioContext ctx) throws Exception {
    List<String> modes = ctx.options().list("client").isEmpty() ? List.of("raw", "sdk") : ctx.options().list("client");
    JsonObject out = new JsonObject().put("modes", String.join(",", modes));
    // A mode may come back (--client raw,sdk,raw,sdk interleaves them against drift): runs after its first are
    // "<mode>-2", ...; each mode's medians pool the rounds of all its runs.
    Map<String, List<JsonObject>> byMode = new LinkedHashMap<>();
    for (String mode : modes) {
      if (!"raw".equals(mode) && !"sdk".equals(mode)) throw new IllegalArgumentException("--client raw|sdk, not " + mode);
      List<JsonObject> runs = byMode.computeIfAbsent(mode, m -> new ArrayList<>());
      String key = runs.isEmpty() ? mode : mode + "-" + (runs.size() + 1);
      // Each run starts on a quiet network stack, as scripts/bench.sh starts every reconnect run (D14): the one
      // before leaves tens of thousands of loopback sockets in TIME_WAIT for 60 s.
      awaitQuietNetwork(ctx.options().longValue("quiet-max-ms", 70_000));
      // Users of their own per run: a later run must not find an earlier one's inboxes. The "x" ends the run's part:
      // without it run "raw2"'s user 1 was run "raw"'s user 21.
      String prefix = ctx.userPrefix() + key.replace("-", "") + "x";
      FleetConfig cfg = FleetConfig.from(ctx.options(), ctx.target().host(), ctx.target().clientPorts(), prefix, 0,
          ctx.clients());
      Process node = NodeStorm.start(ctx.options(), ctx.target(), cfg, new Tokens(ctx.vertx(), cfg.jwtSecret()), mode);
      ForkedFleet fleet = ForkedFleet.of(ctx.vertx(), List.of(node));
      try {
        JsonObject r = new ReconnectScenario().run(ctx.withFleet(fleet, List.of(node.pid()), prefix));
        r.put("medianPerReconnect", medians(List.of(r)));
        runs.add(r);
        out.put(key, r.put("clients", fleet.finish().await().counters().toJson()));
      } finally {
        Processes.stop(node, JvmFork.STOP_GRACE);
      }
    }
    JsonObject pooled = new JsonObject();
    byMode.forEach((mode, runs) -> pooled.put(mode, medians(runs)));
    out.put("medianPerReconnect", pooled);
    if (pooled.containsKey("raw") && pooled.containsKey("sdk")) {
      out.put("sdkOverRaw", new JsonObject()
          .put("clientCpu", ratio(pooled, "clientCpuMicros"))
          .put("serverCpu", ratio(pooled, "serverCpuMicros"))
          .put("clientCpuTarget", 1.5));
    }
    return out;
  }

  /** The medians over every measured round of {@code runs}: the Node process's and the server's CPU per reconnect. */
  static JsonObject medians(List<JsonObject> runs) {
    return new JsonObject().put("clientCpuMicros", median(runs, "loadgenCpuMicrosPerMessage"))
        .put("serverCpuMicros", median(runs, "serverCpuMicrosPerMessage"))
        .put("rounds", runs.stream().mapToInt(r -> r.getJsonArray("perReconnectByRound").size()).sum());
  }

  /** Waits until fewer than 1,000 TCP sockets are in TIME_WAIT, at most {@code maxMs}. */
  static void awaitQuietNetwork(long maxMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + maxMs;
    while (timeWait() >= 1_000 && System.currentTimeMillis() < deadline) Thread.sleep(500);
  }

  /** Sockets in TIME_WAIT (state 06 of /proc/net/tcp and tcp6); 0 where they cannot be read. */
  static long timeWait() {
    long n = 0;
    for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of(f))) {
        n += lines.skip(1).filter(l -> {
          String[] w = l.trim().split("\\s+", 5);
          return w.length > 3 && "06".equals(w[3]);
        }).count();
      } catch (java.io.IOException | RuntimeException e) {
        // not Linux: no wait
      }
    }
    return n;
  }

  /**
   * The median over the measured rounds of one CPU figure per reconnect: ReconnectScenario orders its rounds by rate
   * for its headline round, but a CPU ratio wants each process's own middle value.
   */
  static Double median(List<JsonObject> runs, String field) {
    List<Double> v = new ArrayList<>();
    for (JsonObject r : runs) {
      for (Object o : r.getJsonArray("perReconnectByRound")) {
        Double d = ((JsonObject) o).getDouble(field);
        if (d != null) v.add(d);
      }
    }
    if (v.isEmpty()) return null;
    Collections.sort(v);
    return v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
  }

  /** sdk / raw of a pooled median per reconnect; null when either is missing or raw's is 0. */
  static Double ratio(JsonObject pooled, String field) {
    Double sdk = pooled.getJsonObject("sdk").getDouble(field);
    Double raw = pooled.getJsonObject("raw").getDouble(field);
    return sdk == null || raw == null || raw == 0 ? null : sdk / raw;
  }
}
