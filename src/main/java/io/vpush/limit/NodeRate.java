package io.vpush.limit;

import io.micrometer.core.instrument.Counter;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One node-wide rate limit (new client connections, or the publishes of the node's one API key) with its refusal
 * counters by door: one {@link RateLimit.SharedBucket} that every event loop takes from. Nothing of it is per
 * connection. A door asks {@link #admit} and, when refused, answers 429 / {@code rate_limited} with the wait it returns.
 */
public final class NodeRate {

  /** The {@code limit} label of new client connections; doors are the transports. */
  public static final String CONNECTIONS = "connections";
  /** The {@code limit} label of publish requests; doors are the keyed publish doors (Kafka ingest is not limited). */
  public static final String PUBLISHES = "publishes";
  public static final List<String> CONNECTION_DOORS = Metrics.TRANSPORTS;
  public static final List<String> PUBLISH_DOORS = List.of("http", "tcp", "eventbus");

  private final String limit;
  private final RateLimit rule;
  private final RateLimit.SharedBucket bucket;
  /** Read-only once built, so safe from every event loop. */
  private final Map<String, Counter> refused;
  private final LongSupplier nanos;

  /** @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime}; a test's own) */
  public NodeRate(String limit, RateLimit rule, List<String> doors, Metrics metrics, LongSupplier nanos) {
    this.limit = limit;
    this.rule = rule;
    this.bucket = rule.newSharedBucket();
    this.nanos = nanos;
    Map<String, Counter> counters = new HashMap<>();
    // Every door's series exists at 0 from the first scrape.
    for (String door : doors) counters.put(door, metrics.nodeRateLimited(limit, door));
    this.refused = Map.copyOf(counters);
  }

  /** {@code rate.connectionsPerSecond} / {@code rate.connectionsBurst}, for the transports. */
  public static NodeRate connections(VPushConfig config, Metrics metrics) {
    return new NodeRate(CONNECTIONS, RateLimit.perSecond(config.get(Settings.RATE_CONNECTIONS_PER_SECOND),
        config.get(Settings.RATE_CONNECTIONS_BURST)), CONNECTION_DOORS, metrics, System::nanoTime);
  }

  /** {@code rate.publishesPerSecond} / {@code rate.publishesBurst}, for the HTTP, TCP bridge and event-bus doors. */
  public static NodeRate publishes(VPushConfig config, Metrics metrics) {
    return new NodeRate(PUBLISHES, RateLimit.perSecond(config.get(Settings.RATE_PUBLISHES_PER_SECOND),
        config.get(Settings.RATE_PUBLISHES_BURST)), PUBLISH_DOORS, metrics, System::nanoTime);
  }

  /**
   * Takes one event for {@code door}. Returns 0 when it is admitted; otherwise it is refused (and counted) and the
   * result is the whole seconds, at least 1, until one would be admitted again: the {@code Retry-After}.
   */
  public long admit(String door) {
    long now = nanos.getAsLong();
    if (bucket.tryTake(now)) return 0;
    Counter c = refused.get(door);
    if (c != null) c.increment();
    return bucket.retryAfterSeconds(now);
  }

  /** The message of a refusal, for the JSON reason or the err frame. */
  public String refusal(long retryAfterSeconds) {
    String what = CONNECTIONS.equals(limit) ? "new connections" : "publishes";
    return "this node takes at most " + format(rule.ratePerSecond()) + " " + what + " per second (burst "
        + rule.burst() + "); retry in " + retryAfterSeconds + " s";
  }

  private static String format(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }
}
