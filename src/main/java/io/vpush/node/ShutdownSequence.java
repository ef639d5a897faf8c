package io.vpush.node;

import io.vertx.core.Future;
import io.vpush.access.AccessRole;
import io.vpush.dispatch.Dispatcher;
import io.vpush.ops.NodeOps;
import io.vpush.purge.kafka.KafkaDoors;
import io.vpush.store.Store;

/**
 * Graceful stop, in the order of architecture.md: (1) purge stops taking messages (publish doors, Kafka ingest, which
 * commits what was accepted as it leaves its group, and the delay role); (2) dispatch drains what it holds; (3) access
 * tells every client to reconnect elsewhere after a jittered {@code afterMs} within {@code shutdown.reconnectWindowMs},
 * closes it with 1012 and stops listening; (4) the node leaves the cluster; (5) Kafka producers close; (6) the store
 * flushes and closes. Each step runs even when the one before failed; the caller bounds the whole by
 * {@code shutdown.timeoutMs}.
 */
final class ShutdownSequence {

  private final Deployments deployments;
  private final Dispatcher dispatcher;
  private final AccessRole access;
  private final long reconnectWindowMs;
  private final KafkaDoors kafka;
  private final Store store;
  private final NodeOps nodeOps;

  /** @param access the access role, or null on a node without it */
  ShutdownSequence(Deployments deployments, Dispatcher dispatcher, AccessRole access, long reconnectWindowMs, KafkaDoors kafka,
                   Store store, NodeOps nodeOps) {
    this.deployments = deployments;
    this.dispatcher = dispatcher;
    this.access = access;
    this.reconnectWindowMs = reconnectWindowMs;
    this.kafka = kafka;
    this.store = store;
    this.nodeOps = nodeOps;
  }

  Future<Void> run() {
    return deployments.undeploy(Deployments.Group.INTAKE)
        .transform(ar -> dispatcher.drain())
        .transform(ar -> closeSessions())
        // The node's registry entry and its address go, so dispatch stops sending here at once.
        .transform(ar -> deployments.undeploy(Deployments.Group.CLUSTER))
        .transform(ar -> kafka.close())
        .transform(ar -> store.close())
        .andThen(ar -> nodeOps.close());
  }

  /**
   * Step 3: each client gets {@code control: reconnect} with its own {@code afterMs} and a 1012 close now; the jitter
   * spreads their reconnects over the window. The HTTP verticles stop after every shard has told its clients, so no
   * new client lands here.
   */
  private Future<Void> closeSessions() {
    Future<Void> told = access == null ? Future.succeededFuture() : access.reconnectAll(reconnectWindowMs);
    return told.transform(ar -> deployments.undeploy(Deployments.Group.HTTP))
        .andThen(ar -> {
          if (access != null) access.close(); // no client left to verify a token for: the JWKS refresh stops
        });
  }
}
