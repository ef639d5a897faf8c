package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.ProcStats;
import java.util.OptionalLong;

/** {@code idle}: N registered idle connections; connections per second, and heap after GC and RSS per connection. */
final class IdleScenario implements Scenario {

  @Override
  public String name() { return "idle"; }

  @Override
  public JsonObject run(ScenarioContext ctx) throws Exception {
    // Without a server pid (--target vpush without --server-pid) only the client-side figures can be given.
    Long pid = ctx.target().serverPids().isEmpty() ? null : ctx.target().serverPids().get(0);
    OptionalLong heap0 = pid == null ? OptionalLong.empty() : ProcStats.heapAfterGcBytes(pid);
    ProcStats.Sample rss0 = pid == null ? null : ProcStats.sample(pid);

    ServerMeter meter = ctx.meter().start();
    JsonObject connect = ctx.fleet().connectAll().await();
    JsonObject cpu = meter.stop();
    long n = connect.getLong("registered");
    double ms = connect.getDouble("durationMs");

    // Hold the connections idle for a while (pings flow) before measuring what they cost at rest.
    Thread.sleep(ctx.options().longValue("hold-ms", 2_000));
    OptionalLong heap1 = pid == null ? OptionalLong.empty() : ProcStats.heapAfterGcBytes(pid);
    ProcStats.Sample rss1 = pid == null ? null : ProcStats.sample(pid);

    JsonObject r = new JsonObject()
        .put("connections", n).put("connectFailed", connect.getLong("failed"))
        .put("connectSeconds", ms / 1000).put("connectsPerSecond", ms == 0 ? 0 : n * 1000.0 / ms)
        .put("connectCpu", cpu)
        .put("serverCpuMicrosPerConnect", n == 0 || cpu.getDouble("serverCpuSeconds") == null ? null
            : cpu.getDouble("serverCpuSeconds") * 1e6 / n);
    if (heap0.isPresent() && heap1.isPresent()) {
      r.put("heapAfterGcMB", heap1.getAsLong() / 1048576.0)
          .put("heapBytesPerConnection", n == 0 ? null : (heap1.getAsLong() - heap0.getAsLong()) / (double) n);
    }
    if (rss0 != null && rss1 != null) {
      r.put("rssMB", rss1.rssBytes() / 1048576.0)
          .put("rssBytesPerConnection", n == 0 ? null : (rss1.rssBytes() - rss0.rssBytes()) / (double) n);
    }
    if (pid == null) r.put("note", "no --server-pid: server heap, RSS and CPU not measured");
    if (ctx.target().inProcess()) r.put("note", "in-process target: heap and RSS include the load generator's clients");
    return r;
  }
}
