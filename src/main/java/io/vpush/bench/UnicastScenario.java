package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code unicast}: N acking clients; messages to random users at each offered rate of {@code --rate} (a list), for
 * {@code --duration-ms} each, through {@code --door}. Per rate: accepted, delivered/s, latency, CPU µs per message.
 */
final class UnicastScenario implements Scenario {

  @Override
  public String name() { return "unicast"; }

  @Override
  public JsonObject run(ScenarioContext ctx) throws Exception {
    BenchOptions o = ctx.options();
    JsonObject connect = ctx.fleet().connectAll().await();
    Publisher pub = ctx.publisher();
    long durationMs = o.longValue("duration-ms", 3_000);
    JsonArray steps = new JsonArray();
    java.util.List<String> rates = o.list("rate").isEmpty() ? java.util.List.of("1000") : o.list("rate");
    JsonObject warmup = null;
    long warmupMs = o.longValue("warmup-ms", 0);
    if (warmupMs > 0) {
      // JIT compilation of the hot paths costs seconds of CPU: keep it out of the CPU-per-message figures.
      double rate = Double.parseDouble(rates.get(0).replace("k", "000"));
      warmup = new OpenLoop(ctx.vertx(), rate, (long) Math.ceil(rate * warmupMs / 1000.0), warmupMs,
          o.integer("max-in-flight", 20_000), (i, due) -> pub.toUser(ctx.randomUser(), ctx.payload(due, i)))
          .run(o.longValue("drain-ms", 10_000)).await();
    }
    for (String rateText : rates) {
      double rate = Double.parseDouble(rateText.replace("k", "000"));
      long deliveredBefore = ctx.fleet().counters().delivered();
      long ackedBefore = ctx.fleet().counters().ackedMessages();
      long fromSec = ScenarioContext.epochSecond();
      ServerMeter meter = ctx.meter().start();
      long start = System.nanoTime();
      JsonObject sent = new OpenLoop(ctx.vertx(), rate, (long) Math.ceil(rate * durationMs / 1000.0), durationMs,
          o.integer("max-in-flight", 20_000),
          (i, due) -> pub.toUser(ctx.randomUser(), ctx.payload(due, i)))
          .run(o.longValue("drain-ms", 10_000)).await();
      // Every accepted message should reach its (connected) user: wait for the tail, bounded.
      boolean all = ctx.awaitDelivered(deliveredBefore + sent.getLong("accepted"), o.longValue("drain-ms", 10_000));
      double seconds = (System.nanoTime() - start) / 1e9;
      JsonObject cpu = meter.stop();
      long delivered = ctx.fleet().counters().delivered() - deliveredBefore;
      steps.add(new JsonObject().put("offeredRate", rate).put("publish", sent)
          .put("delivered", delivered).put("allDelivered", all)
          .put("acked", ctx.fleet().counters().ackedMessages() - ackedBefore)
          .put("deliveredPerSecond", delivered / seconds)
          .put("cpu", cpu).mergeIn(ScenarioContext.perMessage(cpu, delivered))
          .put("fromSec", fromSec).put("toSec", ScenarioContext.epochSecond()));
    }
    return new JsonObject().put("door", pub.door()).put("connect", connect).put("warmup", warmup)
        .put("steps", steps);
  }
}
