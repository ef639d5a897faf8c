package io.vpush.cluster;

import io.vertx.core.Vertx;
import io.vpush.vertx.VertxInternals;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;

/**
 * The {@code cluster} readiness check of a clustered node: the cluster manager is active, this member is in its
 * member list, and the node registry shows this node (so other nodes can route to it). Local reads only.
 */
public final class ClusterReadiness {

  private final ClusterManager manager;
  private final NodeRegistry registry;
  private final String nodeId;

  public ClusterReadiness(Vertx vertx, NodeRegistry registry, String nodeId) {
    this.manager = VertxInternals.clusterManager(vertx);
    this.registry = registry;
    this.nodeId = nodeId;
  }

  /** Registers the {@code cluster} check. */
  public void register(HealthChecks checks) {
    checks.register("cluster", promise -> promise.complete(status()));
  }

  /** UP with the member and node counts, or DOWN naming what is missing. */
  Status status() {
    try {
      if (manager == null || !manager.isActive()) return down("not a member of a cluster");
      int members = manager.getNodes().size();
      if (!manager.getNodes().contains(manager.getNodeId())) return down("this member is not in the member list");
      int nodes = registry.snapshot().size();
      boolean listed = registry.snapshot().stream().anyMatch(e -> nodeId.equals(e.getString("id")));
      if (!listed) return down("this node is not in the node registry yet");
      return Status.OK(new JsonObject().put("members", members).put("nodes", nodes));
    } catch (RuntimeException e) {
      // Hazelcast throws once its instance is shut down or failed.
      return down(e.toString());
    }
  }

  private static Status down(String why) {
    return Status.KO(new JsonObject().put("error", why));
  }
}
