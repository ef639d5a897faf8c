package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * Measured unicast steps (messages to random connected users at a fixed offered rate), shared by {@code unicast} and
 * {@code cluster}: one step, a list of rates, and the search for the highest rate sustained with p99 under a bound.
 */
final class UnicastSteps {

  private final ScenarioContext ctx;
  private final Publisher pub;
  private final BenchOptions o;

  UnicastSteps(ScenarioContext ctx, Publisher pub) {
    this.ctx = ctx;
    this.pub = pub;
    this.o = ctx.options();
  }

  /**
   * Unmeasured load at {@code rate} until the server's JIT settles ({@link Warmup}): compilation costs seconds of CPU,
   * kept out of the per-message figures. Null without {@code --warmup-ms}.
   */
  JsonObject warmup(double rate) throws InterruptedException {
    return new Warmup(ctx.target().serverPids(), o).run(ms -> new OpenLoop(ctx.vertx(), rate,
        (long) Math.ceil(rate * ms / 1000.0), ms, o.integer("max-in-flight", 20_000),
        (i, due) -> pub.toUser(ctx.randomUser(), ctx.payload(due, i))).run(o.longValue("drain-ms", 10_000)).await());
  }

  /** One step of {@code --duration-ms} at {@code rate}, then the delivery tail (bounded by {@code --drain-ms}). */
  JsonObject step(double rate) throws InterruptedException {
    long durationMs = o.longValue("duration-ms", 3_000);
    long drainMs = o.longValue("drain-ms", 10_000);
    long deliveredBefore = ctx.fleet().counters().delivered();
    long ackedBefore = ctx.fleet().counters().ackedMessages();
    long fromSec = ScenarioContext.epochSecond();
    ServerMeter meter = ctx.meter().start();
    long start = System.nanoTime();
    JsonObject sent = new OpenLoop(ctx.vertx(), rate, (long) Math.ceil(rate * durationMs / 1000.0), durationMs,
        o.integer("max-in-flight", 20_000), (i, due) -> pub.toUser(ctx.randomUser(), ctx.payload(due, i)))
        .run(drainMs).await();
    // Every accepted message should reach its (connected) user: wait for the tail, bounded.
    boolean all = ctx.awaitDelivered(deliveredBefore + sent.getLong("accepted"), drainMs);
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonObject cpu = meter.stop();
    long delivered = ctx.fleet().counters().delivered() - deliveredBefore;
    return new JsonObject().put("offeredRate", rate).put("publish", sent)
        .put("delivered", delivered).put("allDelivered", all)
        .put("acked", ctx.fleet().counters().ackedMessages() - ackedBefore)
        .put("deliveredPerSecond", delivered / seconds)
        .put("cpu", cpu).mergeIn(ScenarioContext.perMessage(cpu, delivered))
        .put("fromSec", fromSec).put("toSec", ScenarioContext.epochSecond());
  }

  /** A step per {@code --rate} entry (default 1000/s). */
  JsonArray rates(JsonArray steps) throws InterruptedException {
    for (String r : o.list("rate").isEmpty() ? java.util.List.of("1000") : o.list("rate")) {
      steps.add(step(parseRate(r)));
    }
    return steps;
  }

  /**
   * {@code --find-max}: from {@code --find-start} (default 5000/s) the rate grows by {@code --find-factor} (1.25) per
   * step until a step misses: p99 at or over {@code --p99-ms} (50), delivery behind (not all delivered within the
   * drain, or under 90% of the offered rate per second), or publishes skipped or failed; a miss is repeated once
   * before it counts. At most {@code --find-steps} (12) such steps, then {@code --find-refine} (1) bisections between
   * the highest rate sustained and the lowest missed ({@link RateSearch}). Result: the highest rate sustained and why
   * the next one was not.
   */
  JsonObject findMax(JsonArray steps) throws InterruptedException {
    double p99Bound = o.dbl("p99-ms", 50);
    RateSearch search = new RateSearch(parseRate(o.str("find-start", "5000")), o.dbl("find-factor", 1.25),
        o.integer("find-steps", 12), o.integer("find-refine", 1));
    while (!search.done()) {
      double rate = search.rate();
      JsonObject s = step(rate).put("findMax", true);
      if (search.refining()) s.put("refine", true);
      steps.add(s);
      Histogram h = LatencyRecorder.decodeHistogram(settledLatency(s.getLong("fromSec")));
      double p99 = h.getValueAtPercentile(99) / 1000.0;
      JsonObject p = s.getJsonObject("publish");
      String miss = h.getTotalCount() == 0 ? "no messages delivered"
          : p99 >= p99Bound ? String.format("p99 %.1f ms >= %.0f ms", p99, p99Bound)
          : !s.getBoolean("allDelivered") ? "not all accepted messages delivered within the drain time"
          : s.getDouble("deliveredPerSecond") < 0.9 * rate ? String.format("delivered %.0f/s < 90%% of offered",
              s.getDouble("deliveredPerSecond"))
          : p.getLong("skipped") + p.getLong("failed") > 0 ? "publishes skipped or failed (in-flight cap or errors)"
          : null;
      if (miss != null) s.put("miss", miss);
      search.record(miss);
      if (search.repeating()) s.put("retried", true);
    }
    return new JsonObject().put("maxSustainedRate", search.best()).put("p99BoundMs", p99Bound)
        .put("stoppedBecause", search.stoppedBecause());
  }

  /** The step's latencies once the last second of the step has been cut into the per-second histograms. */
  private String settledLatency(long fromSec) throws InterruptedException {
    long cutAt = (ScenarioContext.epochSecond() + 1) * 1_000 + 100;
    // The clients cut their histograms on wall-clock seconds; wait for the cut after the step's last second.
    Thread.sleep(Math.max(0, cutAt - System.currentTimeMillis()));
    return ctx.fleet().latencySince(fromSec).await();
  }

  static double parseRate(String text) { return Double.parseDouble(text.replace("_", "").replace("k", "000")); }
}
