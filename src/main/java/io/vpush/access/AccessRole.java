package io.vpush.access;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vpush.auth.TokenVerifier;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.dispatch.Dispatcher;
import io.vpush.limit.NodeRate;
import io.vpush.metrics.Metrics;
import io.vpush.store.Store;
import io.vpush.time.Clock;
import io.vpush.time.WheelDriver;

/**
 * The access role of one node: what its shards share (the shard directory, the frame handler, the token check, the
 * node's rate of new connections) and how each event loop's shard is made, started and stopped.
 */
public final class AccessRole {

  private final Shards shards;
  private final String nodeId;
  private final AccessSettings settings;
  private final Store store;
  private final UpstreamSink upstream;
  private final Metrics metrics;
  private final Clock clock;
  private final WheelDriver driver;
  private final boolean clustered;
  private final ClientFrameHandler frames;
  private final NodeRate connections;
  private final TokenVerifier tokens;

  /**
   * @param shards the node's shard directory, which dispatch delivers to
   * @param clock  the time every shard's sessions see
   * @param driver what ticks the shards' timing wheels and route refresh
   */
  public AccessRole(Vertx vertx, String nodeId, VPushConfig config, Shards shards, Store store, Dispatcher dispatcher, UpstreamSink upstream,
                    Metrics metrics, Clock clock, WheelDriver driver) {
    this.nodeId = nodeId;
    this.shards = shards;
    this.settings = AccessSettings.of(config);
    this.store = store;
    this.upstream = upstream;
    this.metrics = metrics;
    this.clock = clock;
    this.driver = driver;
    this.clustered = vertx.isClustered();
    this.tokens = new TokenVerifier(vertx, config, metrics);
    Registrar registrar = new Registrar(tokens, dispatcher, shards);
    this.frames = new ClientFrameHandler(settings, new TopicPolicy(config.get(Settings.TOPICS_PUBLIC)), registrar);
    this.connections = NodeRate.connections(config, metrics);
  }

  /** The node's sessions as dispatch reaches them. */
  public Shards shards() {
    return shards;
  }

  /**
   * Makes the shard of {@code context}'s event loop, starts its timers and mounts its client endpoints on
   * {@code router}; called from the owning verticle's start, on its context.
   */
  public Future<Shard> startShard(Context context, Router router) {
    Shard shard = new Shard(shards, context, settings, clock, store, metrics, upstream, nodeId);
    new AccessEndpoints(shard, frames, connections).mount(context.owner(), router);
    return shard.start(driver, clustered).map(shard);
  }

  /** Stops a shard started here; from its verticle's stop, on its context. */
  public Future<Void> stopShard(Shard shard) {
    return shard.stop();
  }

  /** Tells every client of this node to reconnect elsewhere, each after its own delay within {@code windowMs}. */
  public Future<Void> reconnectAll(long windowMs) {
    return shards.onEveryShard(shard -> shard.reconnectAll(windowMs));
  }

  /** Stops what the role runs beside its shards (the JWKS refresh); after the client ports have stopped. */
  public void close() {
    tokens.close();
  }

  /** The WebSocket codec's limit of this node's client ports. */
  public int codecMaxBytes() {
    return settings.codecMaxBytes();
  }
}
