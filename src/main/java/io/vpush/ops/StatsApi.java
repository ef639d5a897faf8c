package io.vpush.ops;

import io.vpush.http.HttpJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/stats} (behind the API key, like all of {@code /api}) for the dashboard:
 * {@code {"ts", "nodes": [one snapshot per node], "cluster": {totals}}}. Standalone, the node source answers
 * this node only; a cluster swaps in a source that gathers every node's {@link NodeStats} snapshot.
 */
public final class StatsApi {

  private final Supplier<Future<List<JsonObject>>> nodes;
  private final LongSupplier clock;

  /** {@code nodes}: where the node snapshots come from (called once per request). */
  public StatsApi(Supplier<Future<List<JsonObject>>> nodes, LongSupplier clock) {
    this.nodes = nodes;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/api/v1/stats").handler(ctx -> nodes.get()
        .map(list -> ClusterStats.answer(list, clock.getAsLong()))
        .onSuccess(body -> ctx.response().putHeader("content-type", "application/json")
            .putHeader("cache-control", "no-store").end(body.encode()))
        .onFailure(e -> HttpJson.error(ctx, 503, "unavailable", "stats unavailable: " + e.getMessage())));
  }
}
