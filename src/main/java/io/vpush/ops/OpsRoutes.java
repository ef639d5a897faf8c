package io.vpush.ops;

import io.vpush.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vpush.store.Store;


/** {@code /health/live}, {@code /health/ready} (vertx-health-check, 200/503 JSON) and {@code /metrics} (Prometheus text). */
public final class OpsRoutes {

  private static final long STORE_TIMEOUT_MS = 1_500;
  private static final long READY_LOOP_DEADLINE_MS = 1_000;
  private static final long LIVE_LOOP_DEADLINE_MS = 10_000;

  private final HealthChecks ready;
  private final HealthChecks live;
  private final Metrics metrics;

  public OpsRoutes(Vertx vertx, Store store, Metrics metrics) {
    this.metrics = metrics;
    this.ready = HealthChecks.create(vertx);
    // Liveness: every event loop takes a task within LIVE_LOOP_DEADLINE_MS; a loop whose thread died never does (an
    // OutOfMemoryError thrown out of Netty's run loop ends it). Generous, so a loaded node is not restarted for lag.
    this.live = HealthChecks.create(vertx).register("eventLoops", LIVE_LOOP_DEADLINE_MS * 2,
        new EventLoopsCheck(vertx, LIVE_LOOP_DEADLINE_MS)::check);
    // Readiness: the same, within a second: a node whose loops lag that far should not get new clients.
    ready.register("eventLoops", READY_LOOP_DEADLINE_MS * 2, new EventLoopsCheck(vertx, READY_LOOP_DEADLINE_MS)::check);
    // A read of a key no user has: cheap, and it proves the store answers.
    // It answers DOWN itself after STORE_TIMEOUT_MS: the health-check library's own timeout would answer 500.
    ready.register("store", STORE_TIMEOUT_MS * 2, promise -> {
      long timer = vertx.setTimer(STORE_TIMEOUT_MS, id -> promise.tryComplete(
          Status.KO(new JsonObject().put("error", "no answer within " + STORE_TIMEOUT_MS + " ms"))));
      store.lastSeq("__vpush_health__").onComplete(ar -> {
        vertx.cancelTimer(timer);
        promise.tryComplete(ar.succeeded() ? Status.OK() : Status.KO(new JsonObject().put("error", String.valueOf(ar.cause().getMessage()))));
      });
    });
  }

  /**
   * Where other roles add readiness checks (Kafka where purge runs, cluster membership where clustered): each
   * registers {@code readiness().register("kafka", timeoutMs, promise -> ...)} and completes with Status.OK() or
   * Status.KO(details) itself before its timeout (a library timeout answers 500, not 503).
   */
  public HealthChecks readiness() {
    return ready;
  }

  public void mount(Vertx vertx, Router router) {
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    if (metrics.served()) router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));
  }

}
