package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code vpush bench table DIR}: one Markdown table row per JSON report in DIR, for docs/benchmarks.md. */
final class MarkdownTable {
  private MarkdownTable() {}

  static String render(Path dir) throws IOException {
    List<JsonObject> reports = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir, 3)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try {
          JsonObject r = new JsonObject(Files.readString(p));
          if (r.containsKey("scenario") && r.containsKey("results") && r.containsKey("options")) reports.add(r);
        } catch (RuntimeException | IOException e) {
          // not a bench report
        }
      }
    }
    StringBuilder b = new StringBuilder()
        .append("| scenario | target | clients | offered | delivered/s | p50 ms | p99 ms | max ms | server CPU µs/msg |"
            + " other |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (JsonObject r : reports) {
      JsonObject res = r.getJsonObject("results");
      String clients = r.getJsonObject("options").getString("clients", "100");
      String door = res.getString("door");
      String scenario = r.getString("scenario") + (door == null ? "" : " (" + door + ")");
      JsonArray steps = res.getJsonArray("steps");
      if ("reconnect-js".equals(r.getString("scenario"))) {
        b.append(reconnectJsRows(r.getString("target"), clients, res));
      } else if (steps == null) {
        // A reconnect's figure is CPU per reconnect (the median round's), not per message.
        JsonObject per = res.getJsonObject("perReconnect");
        b.append(row(scenario, r.getString("target"), clients, "-", "-", r.getJsonObject("latency"),
            per == null ? "-" : num(per.getDouble("serverCpuMicrosPerMessage")), other(r.getString("scenario"), res)));
      } else {
        for (int i = 0; i < steps.size(); i++) {
          JsonObject s = steps.getJsonObject(i);
          double perSec = s.getDouble("deliveredPerSecond", s.getDouble("deliveriesPerSecond", 0.0));
          String other = String.format("steal %.0f%%", s.getJsonObject("cpu").getDouble("stealPercent", 0.0));
          String split = cpuSplit(s);
          if (!split.isEmpty()) other += ", " + split;
          if (s.getDouble("redisCommandsPerMessage") != null) {
            other += ", " + num(s.getDouble("redisCommandsPerMessage")) + " Redis cmds/msg";
          }
          if (s.getBoolean("findMax", false)) other += ", find-max " + (s.getBoolean("refine", false) ? "bisection" : "step")
              + findMaxOutcome(s);
          if (!s.getBoolean("allDelivered", true)) other += ", NOT all delivered";
          b.append(row(scenario, r.getString("target"), clients,
              String.format("%.0f/s", s.getJsonObject("publish").getDouble("offeredRate")), String.format("%.0f", perSec),
              s.getJsonObject("latency"), num(s.getDouble("serverCpuMicrosPerMessage")), other));
        }
        String summary = other(r.getString("scenario"), res);
        if (!summary.isEmpty()) {
          b.append(String.format("| %s | %s | %s | | | | | | | %s |%n", scenario, r.getString("target"), clients, summary));
        }
      }
    }
    return b.toString();
  }

  /**
   * reconnect-js: a row per client mode (its server CPU per reconnect in the CPU column, the Node process's in
   * "other"; medians over the rounds) and one with the sdk/raw ratios.
   */
  private static String reconnectJsRows(String target, String clients, JsonObject res) {
    StringBuilder b = new StringBuilder();
    for (String key : res.fieldNames()) {
      JsonObject m = res.getValue(key) instanceof JsonObject j && key.matches("(raw|sdk)(-\\d+)?") ? j : null;
      if (m == null) continue;
      JsonObject med = m.getJsonObject("medianPerReconnect");
      b.append(String.format("| reconnect-js (%s) | %s | %s | - | - | - | - | - | %s | Node client %s µs per reconnect,"
              + " %s reconnects/s (median round), missing %s (CPU: medians of %d rounds) |%n", key, target, clients,
          num(med.getDouble("serverCpuMicros")), num(med.getDouble("clientCpuMicros")),
          num(m.getDouble("reconnectsPerSecond")), m.getValue("missingInAllRounds"), m.getJsonArray("rounds").size()));
    }
    JsonObject ratio = res.getJsonObject("sdkOverRaw");
    JsonObject pooled = res.getJsonObject("medianPerReconnect");
    if (ratio != null && pooled != null) {
      JsonObject raw = pooled.getJsonObject("raw");
      JsonObject sdk = pooled.getJsonObject("sdk");
      b.append(String.format("| reconnect-js | %s | %s | | | | | | | **sdk / raw: client CPU %s (target ≤ %s), server CPU"
              + " %s**; medians per reconnect over %s raw and %s sdk rounds: client sdk %s / raw %s µs, server sdk %s / raw %s µs |%n",
          target, clients, ratio2(ratio.getDouble("clientCpu")), ratio.getValue("clientCpuTarget"),
          ratio2(ratio.getDouble("serverCpu")), raw.getValue("rounds"), sdk.getValue("rounds"),
          num(sdk.getDouble("clientCpuMicros")), num(raw.getDouble("clientCpuMicros")),
          num(sdk.getDouble("serverCpuMicros")), num(raw.getDouble("serverCpuMicros"))));
    }
    return b.toString();
  }

  private static String ratio2(Double d) { return d == null ? "-" : String.format("%.2f", d); }

  private static String other(String scenario, JsonObject res) {
    if ("idle".equals(scenario)) {
      return String.format("%s B heap/conn, %s B RSS/conn, %s conn/s", num(res.getDouble("heapBytesPerConnection")),
          num(res.getDouble("rssBytesPerConnection")), num(res.getDouble("connectsPerSecond")));
    }
    List<String> parts = new ArrayList<>();
    JsonObject max = res.getJsonObject("findMax");
    if (max != null) {
      parts.add(String.format("**max sustained with p99 < %.0f ms: %s/s** (stopped %s)", max.getDouble("p99BoundMs"),
          num(max.getDouble("maxSustainedRate")), max.getString("stoppedBecause")));
    }
    JsonObject route = res.getJsonObject("routeState");
    if (route != null) {
      parts.add(String.format("**dispatch node: %s B heap per user** (%s users in rounds of %s, RSS %s B/user)",
          num(route.getDouble("heapBytesPerUser")), route.getValue("users"), route.getValue("round"),
          num(route.getDouble("rssBytesPerUser"))));
    }
    if (!parts.isEmpty()) return String.join("; ", parts);
    if ("reconnect".equals(scenario)) {
      JsonObject rc = res.getJsonObject("reconnect");
      String line = String.format("%s reconnects/s, caught up in %s ms, missing %s", num(res.getDouble("reconnectsPerSecond")),
          num(rc.getDouble("caughtUpMs")), res.getValue("missingInAllRounds", rc.getValue("missing", "n/a")));
      JsonArray rounds = res.getJsonArray("rounds");
      JsonObject per = res.getJsonObject("perReconnect");
      if (per != null) {
        // The server's CPU per reconnect is in its column; its parts and the load generator's go here.
        String split = cpuSplit(per);
        line += ", per reconnect: " + (split.isEmpty() ? "" : split + ", ") + "load generator "
            + num(per.getDouble("loadgenCpuMicrosPerMessage")) + " µs";
      }
      if (rounds == null || rounds.size() < 2) return line;
      List<String> each = new ArrayList<>();
      for (int i = 0; i < rounds.size(); i++) each.add(num(rounds.getDouble(i)));
      return line + " (median of " + rounds.size() + " rounds: " + String.join(", ", each) + ")";
    }
    return "";
  }

  /**
   * How a find-max step went, for its row: " (missed, repeated)" for a first miss that the search runs again,
   * " (missed)" for a miss that counts (a repeat, or the ladder's last step), nothing for a step sustained. Reports
   * written before steps carried their miss only know the first kind.
   */
  static String findMaxOutcome(JsonObject step) {
    if (step.getBoolean("retried", false)) return " (missed, repeated)";
    return step.getString("miss") != null ? " (missed)" : "";
  }

  /** "sys 18 / jit 1 / gc 12 µs": the parts of the server CPU per message; empty for reports without them. */
  static String cpuSplit(JsonObject step) {
    return CpuSplit.perMessage(step, "sys %s / jit %s / gc %s µs", MarkdownTable::whole);
  }

  private static String whole(Double d) { return d == null ? "-" : String.format("%.0f", d); }

  private static String row(String scenario, String target, String clients, String offered, String perSec,
                            JsonObject lat, String cpu, String other) {
    boolean none = lat.getLong("count") == 0;
    return String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", scenario, target, clients, offered,
        perSec, none ? "-" : num(lat.getDouble("p50Ms")), none ? "-" : num(lat.getDouble("p99Ms")),
        none ? "-" : num(lat.getDouble("maxMs")), cpu, other);
  }

  private static String num(Double d) {
    return d == null ? "-" : d >= 100 ? String.format("%.0f", d) : String.format("%.1f", d);
  }
}
