package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code unicast}: N acking clients; messages to random users at each offered rate of {@code --rate} (a list), for
 * {@code --duration-ms} each, through {@code --door}; with {@code --find-max}, then the search for the highest rate
 * sustained with p99 under 50 ms. Per rate: accepted, delivered/s, latency, CPU µs and Redis commands per message.
 */
final class UnicastScenario implements Scenario {

  @Override
  public String name() { return "unicast"; }

  @Override
  public JsonObject run(ScenarioContext ctx) throws Exception {
    BenchOptions o = ctx.options();
    JsonObject connect = ctx.fleet().connectAll().await();
    Publisher pub = ctx.publisher();
    UnicastSteps steps = new UnicastSteps(ctx, pub);
    String first = o.list("rate").isEmpty() ? o.str("find-start", "1000") : o.list("rate").get(0);
    JsonObject warmup = steps.warmup(UnicastSteps.parseRate(first));
    JsonArray list = new JsonArray();
    if (!o.list("rate").isEmpty() || !o.flag("find-max")) steps.rates(list);
    JsonObject out = new JsonObject().put("door", pub.door()).put("connect", connect).put("warmup", warmup);
    if (o.flag("find-max")) out.put("findMax", steps.findMax(list));
    return out.put("steps", list);
  }
}
