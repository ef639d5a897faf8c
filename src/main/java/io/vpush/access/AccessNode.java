package io.vpush.access;

import io.vertx.core.Vertx;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.dispatch.Dispatcher;
import io.vpush.ops.Metrics;
import io.vpush.store.Store;
import io.vpush.time.Clock;

/** What every session on this node shares: limits from config, the store, the hub, token checks, and the ways out. */
public final class AccessNode {

  final String nodeId;
  final Vertx vertx;
  final Store store;
  final Hub hub;
  final Dispatcher dispatcher;
  final TokenVerifier tokens;
  final TopicPolicy topicPolicy;
  final UpstreamSink upstream;
  final Metrics metrics;
  final Clock clock;
  final Backoff backoff;
  final long authTimeoutMs;
  final long idleTimeoutMs;
  final int frameMaxBytes;
  /** The outbound bound of each connection, and the share of it paced writes fill. */
  final OutboundLimits outbound;
  final int syncDefaultLimit;
  final int syncMaxLimit;
  final long routeTtlMs;
  /** vpush.sync reads one connection may have in flight (issue 21). */
  final int syncMaxInFlight;
  // --- hostile clients (issue 21) ---
  /** How long a close may take before the connection is dropped with a reset. */
  final long closeTimeoutMs;
  /** The per-connection rate limits and the topic cap. */
  final InboundLimits inbound;
  // --- hostile rates (issue 21) ---
  /** New client connections of the whole node, per second: past it a handshake is answered 429. */
  final io.vpush.limit.NodeRate connections;

  public AccessNode(String nodeId, Vertx vertx, VPushConfig config, Store store, Hub hub, Dispatcher dispatcher,
                    UpstreamSink upstream, Metrics metrics, Clock clock) {
    this.nodeId = nodeId;
    this.vertx = vertx;
    this.store = store;
    this.hub = hub;
    this.dispatcher = dispatcher;
    this.upstream = upstream;
    this.metrics = metrics;
    this.clock = clock;
    this.tokens = new TokenVerifier(vertx, config);
    this.topicPolicy = new TopicPolicy(config.get(Settings.TOPICS_PUBLIC));
    this.backoff = new Backoff(config.get(Settings.ACK_TIMEOUT_MS), config.get(Settings.ACK_MAX_BACKOFF_MS), config.get(Settings.ACK_MAX_RETRIES));
    this.authTimeoutMs = config.get(Settings.AUTH_TIMEOUT_MS);
    this.idleTimeoutMs = config.get(Settings.IDLE_TIMEOUT_MS);
    this.frameMaxBytes = config.get(Settings.FRAME_MAX_BYTES);
    this.outbound = OutboundLimits.of(config.get(Settings.OUTBOUND_MAX_MESSAGES), config.get(Settings.OUTBOUND_MAX_BYTES));
    this.syncDefaultLimit = config.get(Settings.SYNC_DEFAULT_LIMIT);
    this.syncMaxLimit = config.get(Settings.SYNC_MAX_LIMIT);
    this.routeTtlMs = config.get(Settings.ROUTE_TTL_MS);
    this.syncMaxInFlight = config.get(Settings.SYNC_MAX_IN_FLIGHT);
    this.closeTimeoutMs = config.get(Settings.CLOSE_TIMEOUT_MS);
    this.inbound = InboundLimits.of(config);
    this.connections = io.vpush.limit.NodeRate.connections(config, metrics);
  }

  public String nodeId() {
    return nodeId;
  }

  public Hub hub() {
    return hub;
  }
}
