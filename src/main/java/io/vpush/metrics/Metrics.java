package io.vpush.metrics;

import io.vpush.http.HttpErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * vpush's own meters, on one Prometheus registry per node. Label values are from fixed sets (doors,
 * reasons, transports, known device types), never user ids or addresses, so the series count stays bounded.
 * Every meter is listed in docs/operations.md.
 */
public final class Metrics {

  /** Device types that get their own label value; anything else counts as {@code other}. */
  public static final List<String> DEVICE_LABELS = List.of("default", "pc", "mobile", "web", "pos", "tablet", "other");
  public static final List<String> DOORS = List.of("http", "eventbus", "tcp", "kafka", "delay");
  public static final List<String> TRANSPORTS = List.of("websocket", "sockjs");
  /** Every reason a connection can end with (Session and the endpoints produce exactly these). */
  public static final List<String> DISCONNECT_REASONS = List.of(
      "client_close", "idle_timeout", "slow_consumer", "kicked", "shutdown", "auth_failed", "too_large", "bad_frame");

  private final PrometheusMeterRegistry registry;
  private final boolean served;
  private final Map<String, AtomicLong> connections = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  // One node-level sum, updated by every session's write and its completion: a scrape never walks the sessions.
  private final LongAdder outboundBytes = new LongAdder();
  private final List<Supplier<Number>> counted = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Timer acceptToWrite;
  private final Timer acceptToAck;
  private final Timer kafkaToAccept;
  private final Counter delivered;
  private final Counter acked;
  private final Counter givenUp;

  /** A node's meters on a registry of their own, served at /metrics (unit tests, nodes on a Vertx built elsewhere). */
  public Metrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
  }

  // --- Vert.x meters and metrics.enabled ---

  /**
   * The meters of a node starting on {@code vertx}: on the registry Vert.x's own meters report to when the Vertx was
   * built with {@link VertxMeters}, else on one of their own. With {@code metrics.enabled=false} they are still
   * counted (the dashboard and /api/v1/stats read them) but not served at /metrics.
   */
  public static Metrics of(Vertx vertx, VPushConfig config) {
    PrometheusMeterRegistry vertxs = VertxMeters.claim(vertx);
    return new Metrics(vertxs != null ? vertxs : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        config.get(Settings.METRICS_ENABLED));
  }

  /** Whether {@code GET /metrics} serves {@link #scrape()} ({@code metrics.enabled}). */
  public boolean served() {
    return served;
  }

  // --- end Vert.x meters ---

  private Metrics(PrometheusMeterRegistry registry, boolean served) {
    this.registry = registry;
    this.served = served;
    for (String transport : TRANSPORTS) {
      counter("vpush_connects_total", "client connections accepted", "transport", transport);
      for (String device : DEVICE_LABELS) {
        AtomicLong value = new AtomicLong();
        connections.put(transport + "|" + device, value);
        Gauge.builder("vpush_connections", value, AtomicLong::get)
            .description("open client connections with a registered user stream")
            .tag("transport", transport).tag("device", device).register(registry);
      }
    }
    // Registered up front so every series exists (at 0) from the first scrape: rate() and alerts need that.
    for (String reason : DISCONNECT_REASONS) disconnect(reason, 0);
    for (String door : DOORS) accepted(door, 0);
    acceptToWrite = latency("vpush_delivery_latency", "accepted to first write to the client");
    acceptToAck = latency("vpush_ack_latency", "accepted to acked by the client");
    kafkaToAccept = latency("vpush_kafka_consume_latency", "Kafka record timestamp to accepted");
    delivered = counter("vpush_messages_delivered_total", "messages written to a client (first send)");
    acked = counter("vpush_messages_acked_total", "messages acked by a client");
    givenUp = counter("vpush_messages_given_up_total", "messages left in the inbox after the last re-send");
    Gauge.builder("vpush_outbound_queued_bytes", outboundBytes, LongAdder::sum)
        .description("characters written to client sockets and not yet flushed, all sessions of this node")
        .register(registry);
    registerSyncMeters();
    hostileClientMeters();
    tokenRefreshMeters();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  public static String deviceLabel(String device) {
    String d = device == null ? "default" : device.toLowerCase(Locale.ROOT);
    return DEVICE_LABELS.contains(d) ? d : "other";
  }

  public void connectionOpened(String transport, String device) {
    connections.get(transport + "|" + deviceLabel(device)).incrementAndGet();
  }

  public void connectionClosed(String transport, String device) {
    connections.get(transport + "|" + deviceLabel(device)).decrementAndGet();
  }

  /** Total registered connections on this node. */
  public long connectionCount() {
    long n = 0;
    for (AtomicLong v : connections.values()) n += v.get();
    return n;
  }

  public void connect(String transport) {
    counter("vpush_connects_total", "client connections accepted", "transport", transport).increment();
  }

  /** A connection ended; reason is one of {@link #DISCONNECT_REASONS}. */
  public void disconnect(String reason) {
    disconnect(reason, 1);
  }

  private void disconnect(String reason, int n) {
    counter("vpush_disconnects_total", "client connections ended, by reason", "reason", reason).increment(n);
  }

  public void accepted(String door, int n) {
    counter("vpush_messages_accepted_total", "messages accepted into the store, by door", "door", door).increment(n);
  }

  public void duplicate(String door) {
    counter("vpush_messages_duplicate_total", "publishes whose id was already accepted", "door", door).increment();
  }

  public void delivered(long acceptedTs, long nowMs) {
    delivered.increment();
    acceptToWrite.record(Math.max(0, nowMs - acceptedTs), TimeUnit.MILLISECONDS);
  }

  public void acked(long acceptedTs, long nowMs) {
    acked.increment();
    acceptToAck.record(Math.max(0, nowMs - acceptedTs), TimeUnit.MILLISECONDS);
  }

  public void resent(int attempt) {
    counter("vpush_messages_resent_total", "re-sends of unacked messages, by attempt", "attempt", String.valueOf(Math.min(attempt, 10))).increment();
  }

  public void givenUp() {
    givenUp.increment();
  }

  public void dlq(String reason) {
    counter("vpush_dlq_records_total", "invalid Kafka records sent to the DLQ", "reason", reason).increment();
  }

  public void kafkaConsumed(long recordTs, long nowMs) {
    kafkaToAccept.record(Math.max(0, nowMs - recordTs), TimeUnit.MILLISECONDS);
  }

  public void publishDuration(String door, long nanos) {
    timers.computeIfAbsent("publish|" + door, k -> Timer.builder("vpush_publish_duration")
        .description("publish request handling time, by door").tag("door", door)
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10)).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Characters queued to (positive) or flushed from (negative) a client socket. */
  public void outboundQueued(long delta) {
    outboundBytes.add(delta);
  }

  /** Counts an error or warning by kind (store, kafka, internal, ...). */
  public void problem(String level, String kind) {
    counter("vpush_problems_total", "errors and warnings, by kind", "level", level, "kind", kind).increment();
  }

  // --- HTTP client errors ---
  private static final java.util.Set<Integer> HTTP_CLIENT_ERRORS = java.util.Set.of(400, 404, 405, 406, 413, 414, 415, 431);

  /** An HTTP request refused for the client's mistake (ops.HttpErrors); the status label takes a fixed set of values. */
  public void httpClientError(int status) {
    String label = HTTP_CLIENT_ERRORS.contains(status) ? Integer.toString(status) : "other";
    counter("vpush_http_client_errors_total", "HTTP requests refused for the client's mistake, by status", "status", label).increment();
  }

  /** A gauge read on scrape. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, () -> value.get()).description(description).register(registry);
  }

  /** A monotonic counter kept elsewhere (a store engine's LongAdder, a client library's count), read on scrape. */
  public void functionCounter(String name, String description, Supplier<Number> value) {
    // Micrometer holds a function counter's state object weakly: keep the supplier alive here.
    counted.add(value);
    FunctionCounter.builder(name, value, v -> v.get().doubleValue()).description(description).register(registry);
  }

  /** A named counter (label values must come from a fixed set). */
  public Counter counter(String name, String description, String... tags) {
    String key = name + "|" + String.join("|", tags);
    Counter c = counters.get(key);
    if (c != null) return c;
    return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  // --- TLS: handshakes that failed (no or untrusted client certificate, not TLS at all, too slow) ---
  /** A TLS handshake on {@code port} ({@code http}, {@code tcp_bridge}) failed or timed out; the connection was dropped. */
  public void tlsHandshakeFailed(String port) {
    tlsHandshakeFailures(port).increment();
  }

  /** The counter behind {@link #tlsHandshakeFailed}, for a door that holds it. */
  public Counter tlsHandshakeFailures(String port) {
    return counter("vpush_tls_handshake_failures_total", "TLS handshakes that failed or timed out (connection dropped), by port", "port", port);
  }
  // --- end TLS ---

  // --- hostile store: syncs in flight ---

  private final LongAdder syncsInFlight = new LongAdder();
  /** Set in the constructor (registerSyncMeters), so the series exists at 0 from the first scrape. */
  private Counter syncsRefused;

  /** A vpush.sync read started (+1) or was answered (-1), any connection of this node. */
  public void syncInFlight(int delta) {
    syncsInFlight.add(delta);
  }

  /** A vpush.sync refused with rate_limited: its connection had sync.maxInFlight reads out already. */
  public void syncRefused() {
    syncsRefused.increment();
  }

  private void registerSyncMeters() {
    Gauge.builder("vpush_sync_in_flight", syncsInFlight, LongAdder::sum)
        .description("vpush.sync reads in flight, all connections of this node").register(registry);
    syncsRefused = counter("vpush_sync_refused_total", "vpush.sync requests refused with rate_limited (sync.maxInFlight)");
  }

  // --- end hostile-store ---

  /** Closes meter binders that hold JVM listeners (GC notifications). */
  public void close() {
    registry.close();
  }

  // Percentile histogram for Prometheus (histogram_quantile), plus client-side p50/p99 over a short decaying
  // window for the dashboard's JSON (the registry computes them; no second histogram of our own).
  private Timer latency(String name, String description) {
    return Timer.builder(name).description(description)
        .publishPercentileHistogram()
        .publishPercentiles(0.5, 0.99)
        .distributionStatisticExpiry(Duration.ofSeconds(30)).distributionStatisticBufferLength(3)
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry);
  }

  // --- hostile clients: forced closes, rate limits, topic cap ---

  /** Reasons a connection can end with besides {@link #DISCONNECT_REASONS}: sustained abuse of the rate limits. */
  public static final List<String> HOSTILE_DISCONNECT_REASONS = List.of("rate_limited");
  /** The per-connection limits a refused client frame can count against. */
  public static final List<String> RATE_LIMITS = List.of("frames", "upstream");

  private void hostileClientMeters() {
    for (String reason : HOSTILE_DISCONNECT_REASONS) disconnect(reason, 0);
    for (String limit : RATE_LIMITS) rateLimited(limit, 0);
    for (String transport : TRANSPORTS) closeForced(transport, 0);
    topicSubscriptionRefused(0);
  }

  /** A close the client did not take within close.timeoutMs: the connection was dropped with a reset. */
  public void closeForced(String transport) {
    closeForced(transport, 1);
  }

  private void closeForced(String transport, int n) {
    counter("vpush_close_forced_total", "closes not completed within close.timeoutMs, dropped with a TCP reset, by transport",
        "transport", transport).increment(n);
  }

  /** A client frame refused with rate_limited; limit is one of {@link #RATE_LIMITS}. */
  public void rateLimited(String limit) {
    rateLimited(limit, 1);
  }

  private void rateLimited(String limit, int n) {
    counter("vpush_rate_limited_total", "client frames refused with err rate_limited, by limit", "limit", limit).increment(n);
  }

  /** A topic subscription refused because the connection holds topics.maxPerConnection already. */
  public void topicSubscriptionRefused() {
    topicSubscriptionRefused(1);
  }

  private void topicSubscriptionRefused(int n) {
    counter("vpush_topic_subscriptions_refused_total", "topic subscriptions refused past topics.maxPerConnection").increment(n);
  }

  // --- hostile rates: node-wide rate limits (io.vpush.limit.NodeRate registers every series at 0) ---

  /**
   * Requests refused by a node-wide rate limit: {@code limit} is {@code connections} (429 at the handshake; door is
   * the transport) or {@code publishes} (429 or err rate_limited; door http, tcp, eventbus). Its own name, not
   * {@code vpush_rate_limited_total}: that one's series are per-connection limits labelled by {@code limit} alone, and
   * Prometheus wants one label set per name.
   */
  public Counter nodeRateLimited(String limit, String door) {
    return counter("vpush_node_rate_limited_total", "requests refused by a node-wide rate limit (429 / rate_limited), by limit and door",
        "limit", limit, "door", door);
  }

  // --- token refresh: vpush.refresh answers and closes at token expiry ---

  /** Reasons a connection can end with besides {@link #DISCONNECT_REASONS}: its token expired without a refresh (4001). */
  public static final List<String> TOKEN_DISCONNECT_REASONS = List.of("token_expired");

  private void tokenRefreshMeters() {
    for (String reason : TOKEN_DISCONNECT_REASONS) disconnect(reason, 0);
    tokenRefresh("accepted", 0);
    tokenRefresh("refused", 0);
  }

  /** A vpush.refresh answered: its token taken ({@code accepted}) or refused (bad, expired, another user's, malformed). */
  public void tokenRefresh(boolean accepted) {
    tokenRefresh(accepted ? "accepted" : "refused", 1);
  }

  private void tokenRefresh(String result, int n) {
    counter("vpush_token_refreshes_total", "vpush.refresh requests, by result (accepted, refused)", "result", result).increment(n);
  }

  // --- end token refresh ---

  // --- shards: which loop handles what ---

  /** A batch of remote deliveries handled by this node's endpoint, by the event loop that handled it. */
  public void remoteBatchHandled(String loop) {
    counter("vpush_node_batches_total", "batches of deliveries from other nodes, by the event loop that handled them", "loop", loop).increment();
  }

  /**
   * A shard's state touched from a thread that is not the shard's own: a bug (every such call must hop onto the
   * shard's loop). Counted, and logged once per shard, rather than thrown, so a node that has one keeps delivering.
   */
  public void confinementViolated() {
    counter("vpush_shard_confinement_violations_total", "shard state touched off the shard's event loop (a bug)").increment();
  }

  // --- token keys: JWKS fetches and unknown kids (io.vpush.auth.TokenVerifier registers them at 0) ---

  /** Registers the token-key series at 0; {@code jwks}: whether a JWKS URL is configured (then its series too). */
  public void tokenKeyMeters(boolean jwks, Supplier<Number> jwksKeys, Supplier<Number> jwksAgeSeconds) {
    tokenUnknownKid(0);
    if (!jwks) return;
    jwksFetch(true, 0);
    jwksFetch(false, 0);
    gauge("vpush_jwks_keys", "keys of the last good JWKS fetch in use for client tokens", jwksKeys);
    gauge("vpush_jwks_age_seconds", "seconds since the last good JWKS fetch (-1: none yet)", jwksAgeSeconds);
  }

  /** A JWKS fetch ended: ok, or failed (unreachable, not 200, too large, no usable key; the last good set stays). */
  public void jwksFetch(boolean ok) {
    jwksFetch(ok, 1);
  }

  private void jwksFetch(boolean ok, int n) {
    counter("vpush_jwks_fetches_total", "JWKS fetches by outcome (failed: the last good key set stays in use)",
        "outcome", ok ? "ok" : "failed").increment(n);
  }

  /** A client token refused because its kid names no configured or fetched key. */
  public void tokenUnknownKid() {
    tokenUnknownKid(1);
  }

  private void tokenUnknownKid(int n) {
    counter("vpush_token_unknown_kid_total", "client tokens refused because their kid names no known key").increment(n);
  }

  // --- end token keys ---

  // --- API keys (issue 25): requests by key name (names come from config: a bounded set), refusals, reloads ---

  /** Reasons an API request is refused: no key (401), a key no one has (401), a key without the route's scope (403). */
  public static final List<String> API_KEY_REFUSALS = List.of("missing", "unknown", "scope");

  /** A request (HTTP) or frame (TCP bridge) let through by the API key {@code key}, by door ({@code http}, {@code tcp}). */
  public Counter apiKeyAccepted(String key, String door) {
    return counter("vpush_api_key_requests_total", "API requests accepted, by key name and door", "key", key, "door", door);
  }

  /** A request or frame refused for its API key, by reason ({@link #API_KEY_REFUSALS}) and door. */
  public Counter apiKeyRefused(String reason, String door) {
    return counter("vpush_api_key_refused_total", "API requests refused for their key (missing, unknown, scope), by reason and door",
        "reason", reason, "door", door);
  }

  /** A re-read of api.keysFile: {@code ok} (the new keys are in use) or {@code failed} (the old ones stay). */
  public Counter apiKeysReloaded(String result) {
    return counter("vpush_api_keys_reloads_total", "re-reads of api.keysFile, by result (ok, failed: the keys in use stay)", "result", result);
  }

  // --- end API keys ---
}
