package io.vpush.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vpush.vertx.VertxInternals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vpush.dispatch.ClusterView;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The cluster's node registry: each node puts {@code {id, member, url, connections, load, roles}} into the clustered
 * map {@code vpush.nodes} with a TTL and refreshes it every {@code refreshMs}; each node keeps a snapshot of the
 * others. A node counts as departed when its Hazelcast member left (membership listener, checked again on every
 * refresh): dispatch then skips its routes at once, within Hazelcast's failure-detection time.
 */
public final class NodeRegistry extends VerticleBase implements ClusterView {

  static final String MAP = "vpush.nodes";

  private final String nodeId;
  private final Supplier<JsonObject> describe;
  private final long refreshMs;
  private final ClusterManager manager;
  private final Map<String, JsonObject> nodes = new ConcurrentHashMap<>();
  private final Map<String, String> departed = new ConcurrentHashMap<>();
  private AsyncMap<String, JsonObject> map;
  private long timer = -1;
  private UUID listener;

  /** @param describe this node's entry without {@code member}: {@code {id, url, connections, load, roles}} */
  public NodeRegistry(Vertx vertx, String nodeId, Supplier<JsonObject> describe, long refreshMs) {
    this.nodeId = nodeId;
    this.describe = describe;
    this.refreshMs = refreshMs;
    this.manager = VertxInternals.clusterManager(vertx);
  }

  @Override
  public Future<?> start() {
    if (manager instanceof HazelcastClusterManager hz) {
      listener = hz.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override public void memberAdded(MembershipEvent event) {}
        @Override public void memberRemoved(MembershipEvent event) {
          memberLeft(event.getMember().getUuid().toString());
        }
      });
    }
    return vertx.sharedData().<String, JsonObject>getClusterWideMap(MAP).compose(m -> {
      map = m;
      timer = vertx.setPeriodic(refreshMs, id -> refresh());
      return refresh();
    });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    if (listener != null && manager instanceof HazelcastClusterManager hz) hz.getHazelcastInstance().getCluster().removeMembershipListener(listener);
    return map == null ? Future.succeededFuture() : map.remove(nodeId).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Publishes this node's entry and reads everyone's. */
  Future<Void> refresh() {
    JsonObject self = describe.get().put("id", nodeId).put("member", manager.getNodeId());
    return map.put(nodeId, self, refreshMs * 3)
        .compose(v -> map.entries())
        .map(all -> {
          Set<String> members = new HashSet<>(manager.getNodes());
          for (JsonObject e : all.values()) {
            String id = e.getString("id");
            if (members.contains(e.getString("member"))) {
              nodes.put(id, e);
              departed.remove(id);
            } else {
              markDeparted(id);
            }
          }
          nodes.keySet().removeIf(id -> !all.containsKey(id) && !id.equals(nodeId));
          return null;
        });
  }

  private void memberLeft(String member) {
    for (JsonObject e : new ArrayList<>(nodes.values())) {
      if (member.equals(e.getString("member"))) markDeparted(e.getString("id"));
    }
  }

  private void markDeparted(String id) {
    if (id.equals(nodeId)) return;
    nodes.remove(id);
    departed.put(id, id);
    // Ids of nodes long gone are not worth keeping; their routes expire by TTL anyway.
    if (departed.size() > 10_000) departed.clear();
  }

  @Override
  public boolean departed(String id) {
    return departed.containsKey(id);
  }

  @Override
  public Collection<String> dispatchingPeers() {
    List<String> out = new ArrayList<>();
    for (JsonObject e : nodes.values()) {
      String id = e.getString("id");
      if (!id.equals(nodeId) && dispatches(e.getJsonArray("roles", new JsonArray()))) out.add(id);
    }
    return out;
  }

  /** Live entries, this node's included. */
  public List<JsonObject> snapshot() {
    return new ArrayList<>(nodes.values());
  }

  /**
   * The stats snapshot each live node published with its entry (at most one refresh old), this node's taken
   * fresh from {@code self}: the dashboard of any node covers the whole cluster.
   */
  public List<JsonObject> stats(Supplier<JsonObject> self) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject entry : nodes.values()) {
      if (nodeId.equals(entry.getString("id"))) out.add(self.get());
      else if (entry.getJsonObject("stats") != null) out.add(entry.getJsonObject("stats"));
    }
    return out;
  }

  /** A node accepts messages, and so dispatches and caches routes, when it runs purge, delay or dispatch. */
  static boolean dispatches(JsonArray roles) {
    return roles.contains("purge") || roles.contains("delay") || roles.contains("dispatch");
  }
}
