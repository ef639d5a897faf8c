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

  /** Paced writes queue at most this many frames to one connection. */
  static final int PACED_MAX_FRAMES = 200;

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
  final int outboundMaxBytes;
  final int outboundMaxMessages;
  /**
   * The share of the outbound bound that paced writes (catch-up pages, re-sends) may fill: half of either limit, at
   * most {@link #PACED_MAX_FRAMES} frames. What they have not written yet is safe in the store or the ack tracker.
   */
  final int pacedMaxFrames;
  final long pacedMaxBytes;
  final int syncDefaultLimit;
  final int syncMaxLimit;
  final long routeTtlMs;

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
    this.outboundMaxBytes = config.get(Settings.OUTBOUND_MAX_BYTES);
    this.outboundMaxMessages = config.get(Settings.OUTBOUND_MAX_MESSAGES);
    this.pacedMaxFrames = Math.max(1, Math.min(PACED_MAX_FRAMES, outboundMaxMessages / 2));
    this.pacedMaxBytes = Math.max(1, outboundMaxBytes / 2);
    this.syncDefaultLimit = config.get(Settings.SYNC_DEFAULT_LIMIT);
    this.syncMaxLimit = config.get(Settings.SYNC_MAX_LIMIT);
    this.routeTtlMs = config.get(Settings.ROUTE_TTL_MS);
  }

  /** Whether a connection with {@code frames} and {@code bytes} queued stays within the paced share. */
  boolean pacedRoom(int frames, long bytes) {
    return frames <= pacedMaxFrames && bytes <= pacedMaxBytes;
  }

  public String nodeId() {
    return nodeId;
  }

  public Hub hub() {
    return hub;
  }
}
