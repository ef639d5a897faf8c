package io.vpush.purge.kafka;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vpush.access.UpstreamSink;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;
import io.vpush.purge.Publisher;
import io.vpush.time.Clock;

import java.util.function.Supplier;

/**
 * A node's Kafka doors, all on exactly when {@code kafka.bootstrap} is set: ingest of {@code kafka.topic} (purge
 * role), upstream and presence to Kafka (access role), and the {@code kafka} readiness check (purge role).
 */
public final class KafkaDoors {

  /** A readiness answer is reused this long, so probes cost one broker request per period. */
  private static final long READINESS_CACHE_MS = 2_000;

  private final Vertx vertx;
  private final VPushConfig config;
  private final String nodeId;
  private final Metrics metrics;
  private final boolean enabled;
  private KafkaUpstream upstream;
  private KafkaReadiness readiness;

  public KafkaDoors(Vertx vertx, VPushConfig config, String nodeId, Metrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.nodeId = nodeId;
    this.metrics = metrics;
    this.enabled = config.get(Settings.KAFKA_BOOTSTRAP) != null;
  }

  /**
   * Makes the node's Kafka clients (the upstream producer on an access node, the readiness client on a purge node) on a
   * worker thread, since their constructors block; does nothing when Kafka is off.
   */
  public Future<Void> open() {
    if (!enabled) return Future.succeededFuture();
    boolean access = config.hasRole("access");
    boolean purge = config.hasRole("purge");
    return vertx.executeBlocking(() -> {
      if (purge) readiness = new KafkaReadiness(vertx, config, nodeId, READINESS_CACHE_MS);
      return access ? KafkaUpstream.producer(config, nodeId) : null;
    }).map(producer -> {
      if (producer != null) upstream = new KafkaUpstream(vertx, config, producer, metrics);
      return null;
    });
  }

  /** Upstream and presence go to Kafka (and the event bus) when Kafka is on ({@link #open} first), else to {@code eventBusOnly}. */
  public UpstreamSink upstreamOr(UpstreamSink eventBusOnly) {
    return upstream != null ? upstream : eventBusOnly;
  }

  /** The ingest verticle for a purge node with Kafka on, or null. */
  public Supplier<Deployable> ingest(Publisher publisher, Clock clock) {
    if (!enabled || !config.hasRole("purge")) return null;
    return () -> new KafkaIngest(config, nodeId, publisher, metrics, clock);
  }

  /** Adds the {@code kafka} check to readiness on a purge node with Kafka on. */
  public void registerReadiness(HealthChecks checks) {
    if (readiness != null) readiness.register(checks);
  }

  /** Closes the upstream producer and the readiness client; never fails (shutdown goes on regardless). */
  public Future<Void> close() {
    return Future.join(
        upstream == null ? Future.succeededFuture() : upstream.close(),
        readiness == null ? Future.succeededFuture() : readiness.close()).<Void>mapEmpty().otherwiseEmpty();
  }
}
