package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code multicast}: one publish addressed to every connected user (a {@code users} list, split into bodies the
 * server accepts), repeated at {@code --rate} per second for {@code --duration-ms}; deliveries/s and CPU µs/delivery.
 */
final class MulticastScenario implements Scenario {

  @Override
  public String name() { return "multicast"; }

  @Override
  public JsonObject run(ScenarioContext ctx) throws Exception {
    BenchOptions o = ctx.options();
    JsonObject connect = ctx.fleet().connectAll().await();
    Publisher pub = ctx.publisher();
    List<List<String>> chunks = ctx.userChunks();
    double rate = o.dbl("rate", 1);
    long durationMs = o.longValue("duration-ms", 3_000);
    OpenLoop.Send publishToAll = (i, due) -> {
      JsonObject payload = ctx.payload(due, i);
      return Future.all(chunks.stream().map(c -> pub.toUsers(c, payload)).toList()).mapEmpty();
    };
    // Unmeasured rounds until the server's JIT settles (Warmup), each drained so no backlog enters the step.
    JsonObject warmup = new Warmup(ctx.target().serverPids(), o).run(ms -> {
      long w0 = ctx.fleet().counters().delivered();
      JsonObject round = new OpenLoop(ctx.vertx(), rate, (long) Math.ceil(rate * ms / 1000.0), ms,
          o.integer("max-in-flight", 100), publishToAll).run(o.longValue("drain-ms", 10_000)).await();
      ctx.awaitDelivered(w0 + round.getLong("accepted") * connect.getLong("registered"), o.longValue("drain-ms", 10_000));
      return round;
    });
    long before = ctx.fleet().counters().delivered();
    long fromSec = ScenarioContext.epochSecond();
    ServerMeter meter = ctx.meter().start();
    long start = System.nanoTime();
    JsonObject sent = new OpenLoop(ctx.vertx(), rate, (long) Math.ceil(rate * durationMs / 1000.0), durationMs,
        o.integer("max-in-flight", 100), publishToAll)
        .run(o.longValue("drain-ms", 10_000)).await();
    long expected = sent.getLong("accepted") * connect.getLong("registered");
    boolean all = ctx.awaitDelivered(before + expected, o.longValue("drain-ms", 10_000));
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonObject cpu = meter.stop();
    long delivered = ctx.fleet().counters().delivered() - before;
    JsonObject step = new JsonObject().put("publishesPerSecond", rate).put("publish", sent)
        .put("requestsPerPublish", chunks.size()).put("expectedDeliveries", expected)
        .put("delivered", delivered).put("allDelivered", all).put("deliveriesPerSecond", delivered / seconds)
        .put("cpu", cpu).mergeIn(ScenarioContext.perMessage(cpu, delivered))
        .put("fromSec", fromSec).put("toSec", ScenarioContext.epochSecond());
    return new JsonObject().put("door", pub.door()).put("connect", connect).put("warmup", warmup)
        .put("steps", new JsonArray().add(step));
  }
}
