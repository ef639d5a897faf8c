package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.ProcStats;

/**
 * {@code cluster} ({@code --target vpush-cluster}): 3 nodes on one Redis, clients on the two access nodes, publishing on
 * the third; the unicast figures of {@link UnicastSteps}, then the dispatch node's route state per user
 * ({@link RouteStatePhase}, on a second cluster whose dispatch node keeps its L1 entries for the whole phase).
 */
final class ClusterScenario implements Scenario {

  @Override
  public String name() { return "cluster"; }

  @Override
  public JsonObject run(ScenarioContext ctx) throws Exception {
    if (!(ctx.target() instanceof ClusterTarget cluster)) {
      throw new UnsupportedOperationException("the cluster scenario runs against --target vpush-cluster only");
    }
    BenchOptions o = ctx.options();
    JsonObject out = new JsonObject().put("nodes", new JsonArray()
        .add("n1 access").add("n2 access").add("n3 dispatch,purge,delay (publishing)"));
    JsonObject connect = ctx.fleet().connectAll().await();
    Publisher pub = ctx.publisher();
    UnicastSteps steps = new UnicastSteps(ctx, pub);
    String first = o.list("rate").isEmpty() ? "1000" : o.list("rate").get(0);
    out.put("warmup", steps.warmup(UnicastSteps.parseRate(first)));
    JsonArray list = steps.rates(new JsonArray());
    if (o.flag("find-max")) out.put("findMax", steps.findMax(list));
    out.put("door", pub.door()).put("connect", connect).put("steps", list);
    out.put("dispatchNodeHeapAfterGcMB", ProcStats.heapAfterGcBytes(cluster.dispatchPid()).orElse(-1) / 1048576.0);
    int routeUsers = o.integer("route-users", 100_000);
    if (routeUsers > 0) out.put("routeState", new RouteStatePhase(ctx, routeUsers).run());
    return out;
  }

  /** Used by {@link RouteStatePhase}: one publish per chunk of users, all awaited. */
  static Future<Void> toAll(Publisher pub, java.util.List<java.util.List<String>> chunks, JsonObject payload) {
    return Future.all(chunks.stream().map(c -> pub.toUsers(c, payload)).toList()).mapEmpty();
  }
}
