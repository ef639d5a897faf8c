package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vpush.store.Store;


/** {@code /health/live}, {@code /health/ready} (vertx-health-check, 200/503 JSON) and {@code /metrics} (Prometheus text). */
public final class OpsRoutes {

  private final HealthChecks ready;
  private final HealthChecks live;
  private final Metrics metrics;

  public OpsRoutes(Vertx vertx, Store store, Metrics metrics) {
    this.metrics = metrics;
    this.ready = HealthChecks.create(vertx);
    // Liveness: the event loop that serves the request answers; that is the whole check.
    this.live = HealthChecks.create(vertx).register("eventLoop", promise -> promise.complete(Status.OK()));
    // A read of a key no user has: cheap, and it proves the store answers.
    ready.register("store", 2_000, promise -> store.lastSeq("__vpush_health__")
        .onSuccess(v -> promise.complete(Status.OK()))
        .onFailure(e -> promise.complete(Status.KO())));
  }

  /** Registers another readiness check (Kafka, cluster membership). */
  public HealthChecks readiness() {
    return ready;
  }

  public void mount(Vertx vertx, Router router) {
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));
  }

}
