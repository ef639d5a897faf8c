package io.vpush.ops;

import io.vpush.metrics.JvmMeters;
import io.vpush.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vpush.store.Store;
import io.vpush.store.StoreStats;
import io.vpush.time.Clock;

import java.util.List;
import java.util.function.Supplier;

/**
 * A node's operations wiring beside {@link Metrics}: the metered store, JVM and event-loop meters, the stats JSON
 * behind the dashboard, and the dashboard route. See docs/operations.md.
 */
public final class NodeOps {

  private final Vertx vertx;
  private final String nodeId;
  private final Metrics metrics;
  private final Clock clock;
  private EventLoopProbe loopProbe;
  private JvmMeters jvmMeters;
  /** Where {@code GET /api/v1/stats} gets node snapshots; a cluster replaces it with one that covers every node. */
  private Supplier<Future<List<JsonObject>>> statsSource = () -> Future.succeededFuture(List.of(snapshot()));

  public NodeOps(Vertx vertx, String nodeId, Metrics metrics, Clock clock) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The engine wrapped so every operation is timed and its errors counted, by operation. */
  public Store metered(Store engine) {
    return new MeteredStore(engine, metrics.registry());
  }

  /** Registers the store's drop counters and starts the JVM and event-loop meters. */
  public void start(Store store) {
    if (store instanceof StoreStats stats) {
      metrics.functionCounter("vpush_inbox_dropped_cap_total", "messages dropped because an inbox passed its cap", stats::droppedByCap);
      metrics.functionCounter("vpush_inbox_expired_total", "messages dropped because their TTL passed", stats::expired);
    }
    jvmMeters = new JvmMeters(metrics.registry());
    loopProbe = new EventLoopProbe(vertx, metrics.registry(), 100);
    loopProbe.start();
  }

  /** Mounts {@code /api/v1/stats} (behind the API key mounted before it) and the dashboard's bare-path redirect. */
  public void mount(Router router) {
    new StatsApi(() -> statsSource.get(), clock::nowMs).mount(router);
    // "/dashboard" also matches "/dashboard/" in Vert.x routing: redirect only the bare path (relative URLs need the slash).
    router.get("/dashboard").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) ctx.next();
      else ctx.response().setStatusCode(301).putHeader("location", "/dashboard/").end();
    });
  }

  /** This node's numbers for the dashboard (see {@link NodeStats}). */
  public JsonObject snapshot() {
    return NodeStats.snapshot(nodeId, metrics.registry(), clock.nowMs());
  }

  /** Replaces where the stats endpoint gets its node snapshots. */
  public void statsSource(Supplier<List<JsonObject>> source) {
    this.statsSource = () -> Future.succeededFuture(source.get());
  }

  public void close() {
    if (loopProbe != null) loopProbe.stop();
    if (jvmMeters != null) jvmMeters.close();
  }
}
