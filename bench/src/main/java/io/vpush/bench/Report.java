package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Puts a run together as JSON ({@code <scenario>-<target>.json}), a one-screen summary, and an HTML chart. */
final class Report {
  private Report() {}

  static JsonObject build(String scenario, BenchOptions o, Target target, JsonObject results, Fleet.Result fleet,
                          int generatorProcesses) {
    Map<Long, Histogram> perSecond = fleet.latency().perSecond();
    JsonArray steps = results.getJsonArray("steps");
    if (steps != null) {
      for (int i = 0; i < steps.size(); i++) {
        JsonObject s = steps.getJsonObject(i);
        s.put("latency", window(perSecond, s.getLong("fromSec"), s.getLong("toSec")));
      }
    }
    FleetCounters.Snapshot c = fleet.counters();
    return new JsonObject()
        .put("scenario", scenario).put("target", target.name()).put("date", Instant.now().toString())
        .put("machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
            .put("model", procLine("/proc/cpuinfo", "model name")).put("memTotal", procLine("/proc/meminfo", "MemTotal"))
            .put("java", System.getProperty("java.version")).put("loadGeneratorProcesses", generatorProcesses))
        .put("options", redacted(o))
        .put("results", results)
        .put("clients", c.toJson().put("errors", c.errors()))
        .put("latency", LatencyRecorder.summary(fleet.latency().total()))
        .put("timeline", fleet.latency().timeline());
  }

  /** The value after the colon of the first line of {@code file} starting with {@code key}; null if none. */
  private static String procLine(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(key)) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave it out
    }
    return null;
  }

  /** The options as given, minus credentials (reports get shared). */
  private static JsonObject redacted(BenchOptions o) {
    JsonObject j = new JsonObject();
    o.asMap().forEach((k, v) -> j.put(k, k.contains("secret") || k.contains("key") ? "***" : v));
    return j;
  }

  private static JsonObject window(Map<Long, Histogram> perSecond, long from, long to) {
    Histogram h = new Histogram(3_600_000_000L, 3);
    perSecond.forEach((sec, hist) -> { if (sec >= from && sec <= to) h.add(hist); });
    return LatencyRecorder.summary(h);
  }

  /** {@code <scenario>-<target>[-<door>]}: the name of a run's files. */
  static String baseName(String scenario, String target, JsonObject results) {
    String door = results.getString("door");
    // One directory may hold the same scenario through several doors: the non-default door is in the file name.
    return scenario + "-" + target + (door == null || "http".equals(door) ? "" : "-" + door);
  }

  /** Writes the JSON and HTML files into {@code dir}; returns the JSON path. */
  static Path write(Path dir, JsonObject report) throws IOException {
    Files.createDirectories(dir);
    String base = baseName(report.getString("scenario"), report.getString("target"), report.getJsonObject("results"));
    Path json = dir.resolve(base + ".json");
    Files.writeString(json, report.encodePrettily());
    Files.writeString(dir.resolve(base + ".html"), HtmlChart.render(report));
    Files.writeString(dir.resolve(base + ".txt"), summary(report));
    return json;
  }

  /** A one-screen text summary: headline, client counters, latency, then the scenario's figures. */
  static String summary(JsonObject r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("vpush bench %s  target=%s  %s%n", r.getString("scenario"), r.getString("target"),
        r.getString("date")));
    JsonObject c = r.getJsonObject("clients");
    b.append(String.format("clients: registered=%d delivered=%d acked=%d errors=%d dup=%d gaps=%d%n",
        c.getLong("registered"), c.getLong("delivered"), c.getLong("ackedMessages"), c.getLong("errors"),
        c.getLong("duplicates"), c.getLong("gaps")));
    b.append("latency: ").append(latencyLine(r.getJsonObject("latency"))).append('\n');
    JsonObject res = r.getJsonObject("results");
    flat(b, "", res);
    profileLines(b, res.getJsonObject("profile"));
    JsonArray steps = res.getJsonArray("steps");
    if (steps != null) {
      for (int i = 0; i < steps.size(); i++) {
        JsonObject s = steps.getJsonObject(i);
        JsonObject p = s.getJsonObject("publish");
        b.append(String.format("step %d: offered %.0f/s sent=%d accepted=%d failed=%d skipped=%d delivered=%d (%.0f/s)"
                + " cpu=%s µs/msg%s loadgen=%s µs/msg steal=%.0f%%%n      %s%n",
            i + 1, p.getDouble("offeredRate"), p.getLong("sent"), p.getLong("accepted"), p.getLong("failed"),
            p.getLong("skipped"), s.getLong("delivered"),
            s.getDouble("deliveredPerSecond", s.getDouble("deliveriesPerSecond", 0.0)),
            fmt(s.getDouble("serverCpuMicrosPerMessage")), cpuSplit(s), fmt(s.getDouble("loadgenCpuMicrosPerMessage")),
            s.getJsonObject("cpu").getDouble("stealPercent", 0.0), latencyLine(s.getJsonObject("latency"))));
      }
    }
    return b.toString();
  }

  /** One line per profiled JVM: where its samples went, and its three heaviest vpush methods. */
  private static void profileLines(StringBuilder b, JsonObject profile) {
    if (profile == null) return;
    JsonArray jvms = profile.getJsonArray("jvms");
    for (int i = 0; i < jvms.size(); i++) {
      JsonObject j = jvms.getJsonObject(i);
      if (j.containsKey("error")) {
        b.append(String.format("profile pid %d: %s%n", j.getLong("pid"), j.getString("error")));
        continue;
      }
      JsonObject sh = j.getJsonObject("shares");
      b.append(String.format("profile pid %d (%s): %d samples, kernel %s (socket writes %s, reads %s, epoll wait %s,"
              + " page faults %s), GC threads %s, JIT %s%n", j.getLong("pid"), j.getString("html"), j.getLong("samples"),
          pct(sh, "kernel"), pct(sh, "socketWrites"), pct(sh, "socketReads"), pct(sh, "epollWait"), pct(sh, "pageFaults"),
          pct(sh, "gcThreads"), pct(sh, "jitThreads")));
      JsonArray top = j.getJsonArray("topVpush");
      for (int k = 0; k < Math.min(3, top.size()); k++) {
        JsonObject m = top.getJsonObject(k);
        b.append(String.format("  %5.1f%% %s%n", m.getDouble("share") * 100, m.getString("method")));
      }
    }
  }

  private static String pct(JsonObject shares, String key) {
    return String.format("%.1f%%", shares.getDouble(key) * 100);
  }

  /** " (sys 18.1, jit 1.0, gc 11.6)": the parts of the server CPU per message; empty for reports without them. */
  static String cpuSplit(JsonObject step) {
    return CpuSplit.perMessage(step, " (sys %s, jit %s, gc %s)", Report::fmt);
  }

  private static void flat(StringBuilder b, String prefix, JsonObject o) {
    for (String k : o.fieldNames()) {
      Object v = o.getValue(k);
      if (v instanceof JsonObject j && !"cpu".equals(k) && !"connectCpu".equals(k)) flat(b, prefix + k + ".", j);
      else if (v instanceof Number || v instanceof Boolean || v instanceof String) {
        if (k.endsWith("Sec")) continue;
        b.append("  ").append(prefix).append(k).append(" = ").append(v instanceof Double d ? fmt(d) : v).append('\n');
      }
    }
  }

  private static String latencyLine(JsonObject l) {
    if (l.getLong("count") == 0) return "(no messages)";
    return String.format("n=%d p50=%.1fms p90=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms", l.getLong("count"),
        l.getDouble("p50Ms"), l.getDouble("p90Ms"), l.getDouble("p99Ms"), l.getDouble("p999Ms"), l.getDouble("maxMs"));
  }

  private static String fmt(Double d) { return d == null ? "-" : String.format("%.1f", d); }
}
