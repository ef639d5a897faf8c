package io.vpush;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vpush.access.Shards;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;
import io.vpush.node.NodeAssembly;
import io.vpush.protocol.JsonLimits;
import io.vpush.store.Store;
import io.vpush.time.Clock;
import io.vpush.time.WheelDriver;

/**
 * One vpush node: builds its services for the configured roles, starts their verticles in order and stops them in
 * reverse ({@link NodeAssembly} does both). The composition root; what a node does lives in the role packages.
 */
public final class VPushNode {

  private final NodeAssembly assembly;

  private VPushNode(NodeAssembly assembly) {
    this.assembly = assembly;
  }

  /** Starts a node on {@code vertx} with a validated config, on the system clock and Vert.x timers. */
  public static Future<VPushNode> start(Vertx vertx, VPushConfig config) {
    return start(vertx, config, Clock.SYSTEM, WheelDriver.timers());
  }

  /** Starts a node whose sessions run on {@code clock}, their timers ticked by {@code driver}. */
  public static Future<VPushNode> start(Vertx vertx, VPushConfig config, Clock clock, WheelDriver driver) {
    JsonLimits.install();
    NodeAssembly assembly = new NodeAssembly(vertx, config, clock, driver);
    return assembly.build().compose(v -> assembly.start()).map(v -> new VPushNode(assembly));
  }

  /** Graceful stop ({@link io.vpush.node.NodeAssembly#close}); the caller bounds it by {@code shutdown.timeoutMs}. */
  public Future<Void> close() {
    return assembly.close();
  }

  public String nodeId() { return assembly.nodeId(); }
  /** The TCP bridge's bound port, or -1 when it is not running. */
  public int tcpBridgePort() { return assembly.tcpBridgePort(); }
  public int httpPort() { return assembly.httpPort(); }
  /** The node's access shards (null without the access role). */
  public Shards shards() { return assembly.shards(); }
  public Store store() { return assembly.store(); }
  /** Where the node's publish doors hand messages in. */
  public io.vpush.purge.Publisher publisher() { return assembly.publisher(); }
  public Metrics metrics() { return assembly.metrics(); }
}
