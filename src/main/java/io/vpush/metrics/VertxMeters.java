package io.vpush.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * Vert.x's own meters (HTTP server, HTTP client, event bus, worker pools, TCP servers; vertx-micrometer-metrics),
 * set where a Vertx is built, on the Prometheus registry that the node on that Vertx serves at {@code /metrics}.
 *
 * <p>Use: {@code VertxMeters meters = VertxMeters.of(config); Vertx vertx = meters.bind(Vertx.vertx(meters.apply(options)))}
 * (or a clustered Vertx built from {@code meters.apply(options)}); the node started on that Vertx then takes the
 * registry ({@link Metrics#of}). With {@code metrics.enabled=false} it adds nothing and the Vertx has no metrics SPI.
 */
public final class VertxMeters {

  /**
   * Labels whose values come from small fixed sets: the status codes the server answers, the pool kind and name
   * (Vert.x's and vpush's named worker pools), the event-bus side (local, remote). Left out, because a client or the
   * traffic picks their values: remote and local addresses, HTTP path and route, HTTP method (any token is accepted
   * on the wire), event-bus address.
   */
  static final Set<Label> LABELS = Collections.unmodifiableSet(EnumSet.of(Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE));
  /**
   * Off: outbound TCP clients (Redis, cluster peers; the store has its own vpush_store_* meters), the Redis client's
   * per-command timers (a sample per command on the hottest path), datagrams (unused), verticle counts.
   */
  static final Set<String> DISABLED = Set.of(MetricsDomain.NET_CLIENT.toCategory(), MetricsDomain.DATAGRAM_SOCKET.toCategory(),
      MetricsDomain.VERTICLES.toCategory(), "redis");

  // Vertx -> the registry its meters report to, until the node on it takes it (a node only has its Vertx to go by).
  private static final Map<Vertx, PrometheusMeterRegistry> UNCLAIMED = Collections.synchronizedMap(new WeakHashMap<>());

  private final PrometheusMeterRegistry registry;
  private final MicrometerMetricsOptions options;

  private VertxMeters(PrometheusMeterRegistry registry, MicrometerMetricsOptions options) {
    this.registry = registry;
    this.options = options;
  }

  /** Vert.x meters when {@code metrics.enabled} (the default), none otherwise. */
  public static VertxMeters of(VPushConfig config) {
    if (!config.get(Settings.METRICS_ENABLED)) return new VertxMeters(null, null);
    // Registries are looked up by name in a JVM-wide table (tests run several nodes in one JVM): one name per Vertx.
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true)
        .setRegistryName("vpush-" + UUID.randomUUID())
        .setLabels(EnumSet.copyOf(LABELS))
        .setDisabledMetricsCategories(DISABLED);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.deny(VertxMeters::dropped));
    // The metrics factory that Vert.x loads when it builds the Vertx finds this registry under the options' name
    // (an existing name is returned as is): so a Vertx built from options alone, clustered or not, reports here.
    BackendRegistries.setupBackend(options, registry);
    return new VertxMeters(registry, options);
  }

  /**
   * Meters left out although their domain is on. Client connection pools are named by the server's address (one
   * series per peer): only worker pools stay. The raw WebSocket endpoint takes its connections off Vert.x at the
   * upgrade (access.NettyWebSocketUpgrade removes Vert.x's handlers), so Vert.x never sees them close: its gauges of
   * open HTTP connections and requests would only ever grow (vpush_connections counts client connections).
   */
  static boolean dropped(Meter.Id id) {
    String name = id.getName();
    if (name.startsWith("vertx.pool.")) return !"worker".equals(id.getTag(Label.POOL_TYPE.toString()));
    return name.equals("vertx.http.server.active.connections") || name.equals("vertx.http.server.active.requests");
  }

  /** {@code vertxOptions} with these metrics set (unchanged when metrics are off). */
  public VertxOptions apply(VertxOptions vertxOptions) {
    return options == null ? vertxOptions : vertxOptions.setMetricsOptions(options);
  }

  /** Hands the registry to the node that will start on {@code vertx}, built from {@link #apply}; returns {@code vertx}. */
  public Vertx bind(Vertx vertx) {
    if (registry != null) UNCLAIMED.put(vertx, registry);
    return vertx;
  }

  /** The registry Vert.x's meters of {@code vertx} report to, once; null when it was not built here or was claimed. */
  static PrometheusMeterRegistry claim(Vertx vertx) {
    return UNCLAIMED.remove(vertx);
  }
}
