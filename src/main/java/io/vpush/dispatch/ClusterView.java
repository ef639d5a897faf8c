package io.vpush.dispatch;

import java.util.Collection;

/** What the cluster dispatcher needs to know about other nodes (implemented by the node registry). */
public interface ClusterView {

  /** True when the node was a cluster member and has left (its routes are stale); false for live or unknown ids. */
  boolean departed(String nodeId);

  /** Other live nodes that dispatch messages (hold an L1 route cache) and must hear about registers. */
  Collection<String> dispatchingPeers();
}
