package io.vpush.purge.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vpush.config.VPushConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.time.Duration;
import java.util.Map;

/**
 * The {@code kafka} readiness check of the purge role: the broker answers a {@code describeCluster} within
 * {@link #PROBE_TIMEOUT_MS}. The answer is cached for {@code cacheMs} so frequent probes by a load balancer cost
 * one Kafka request per period, and a probe never blocks an event loop (the admin client's own future).
 */
public final class KafkaReadiness {

  /** How long one probe may wait for the broker before the check reports DOWN. */
  static final int PROBE_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Admin admin;
  private final long cacheNanos;
  private Future<Status> last;
  private long lastAt;

  public KafkaReadiness(Vertx vertx, VPushConfig config, String nodeId, long cacheMs) {
    this.vertx = vertx;
    Map<String, Object> c = KafkaConfigs.admin(config, "vpush-ready-" + nodeId);
    c.put("request.timeout.ms", PROBE_TIMEOUT_MS);
    c.put("default.api.timeout.ms", PROBE_TIMEOUT_MS);
    this.admin = Admin.create(c);
    this.cacheNanos = Duration.ofMillis(cacheMs).toNanos();
  }

  /** Registers the {@code kafka} check. */
  public void register(HealthChecks checks) {
    // The check's own timeout is a backstop above the probe's.
    checks.register("kafka", PROBE_TIMEOUT_MS + 1_000, promise -> status().onComplete(promise));
  }

  /** The cached status, or a new probe when the last one is done and older than the cache period. */
  synchronized Future<Status> status() {
    long now = System.nanoTime();
    if (last == null || (last.isComplete() && now - lastAt > cacheNanos)) {
      lastAt = now;
      last = probe();
    }
    return last;
  }

  private Future<Status> probe() {
    return Future.fromCompletionStage(admin.describeCluster(new DescribeClusterOptions().timeoutMs(PROBE_TIMEOUT_MS))
            .nodes().toCompletionStage(), vertx.getOrCreateContext())
        .map(nodes -> nodes.isEmpty()
            ? Status.KO(new JsonObject().put("error", "no broker in the cluster metadata"))
            : Status.OK(new JsonObject().put("brokers", nodes.size())))
        .otherwise(e -> Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage()))));
  }

  /** Closes the admin client (off the event loop: its close waits for its I/O thread). */
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      admin.close(Duration.ofSeconds(1));
      return null;
    }, false);
  }
}
