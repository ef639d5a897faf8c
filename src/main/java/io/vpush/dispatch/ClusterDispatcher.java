package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vpush.protocol.Addresses;
import io.vpush.store.Route;
import io.vpush.store.Store;
import io.vpush.store.StoredMessage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Dispatch across the cluster by user ID: user -> nodes through the route table (L1 {@link RouteCache}, L2 the
 * store), delivery to this node's shards directly and to other nodes on their one clustered address
 * {@code vpush.node.<id>} (batched per node by {@link NodeBatcher}).
 *
 * <p><b>Why a newly connected user never misses a live message.</b> Every message is accepted into the store
 * before it is dispatched, and every new session reads the inbox (catch-up) after its route entry is written
 * (same Redis lane, so in that order). So a message is missed only if its dispatch used a route set that lacks the
 * new node although the message was accepted after the new session's catch-up read. Two rules rule that out:
 * <ol>
 *   <li>"no route" is never cached, so an L2 read that misses the new route happened before the route write,
 *       hence before the catch-up read, hence the message is in the catch-up;</li>
 *   <li>a register calls {@link #kick kick(replacing, false)} and waits for it (Registrar) <em>before</em> it
 *       reads the cursor and writes its route; kick sends a "hold" to every dispatching node and completes when
 *       they applied it. A hold drops the user's L1 entry and keeps the user uncached for one TTL, and a read that
 *       began before the hold is not cached after it. So every dispatch after the hold reads L2, and a dispatch
 *       that used the old L1 entry before the hold looked it up after its message was accepted, which was before
 *       the hold, before the route write and before the catch-up read.</li>
 * </ol>
 * The cost: a register waits for one event-bus round trip to the dispatching nodes (~1 ms on a LAN), and a user
 * who just registered is read from L2 for one TTL. A node that answers "gone" (the user left it) makes dispatch
 * drop the entry and re-read the routes once; routes of nodes that left the Hazelcast cluster are skipped and
 * removed from the store.
 */
public final class ClusterDispatcher implements Dispatcher {

  private final Vertx vertx;
  private final String self;
  private final LocalDelivery local;
  private final Store store;
  private final RouteCache cache;
  private final ClusterView cluster;
  private final NodeBatcher batcher;
  private final DeliveryOptions control;
  // Route reads and node sends not yet answered; shutdown waits for it to reach zero (drain).
  private final InFlight inFlight = new InFlight();

  public ClusterDispatcher(Vertx vertx, String selfId, LocalDelivery local, Store store, RouteCache cache, ClusterView cluster, long sendTimeoutMs) {
    this.vertx = vertx;
    this.self = selfId;
    this.local = local;
    this.store = store;
    this.cache = cache;
    this.cluster = cluster;
    this.batcher = new NodeBatcher(vertx, sendTimeoutMs);
    this.control = new DeliveryOptions().setSendTimeout(sendTimeoutMs);
  }

  @Override
  public Future<Void> dispatch(StoredMessage message) {
    String[] cached = cache.get(message.user());
    if (cached != null && noneDeparted(cached)) {
      deliver(message, cached, null);
      return Future.succeededFuture();
    }
    return holding(readRoutes(message.user()).map(nodes -> {
      deliver(message, nodes, null);
      return null;
    }));
  }

  @Override
  public Future<Void> drain() {
    return inFlight.idle();
  }

  /** Counts {@code work} as in flight until it completes; handlers added before this one run first. */
  private <T> Future<T> holding(Future<T> work) {
    inFlight.enter();
    return work.andThen(ar -> inFlight.exit());
  }

  @Override
  public Future<Void> publishTopic(String topic, String frame) {
    // Every access shard of every node consumes the broadcast; this node's shards get the publish too.
    vertx.eventBus().publish(Addresses.TOPICS, new JsonObject().put("topic", topic).put("frame", frame));
    return Future.succeededFuture();
  }

  @Override
  public Future<Integer> kick(Kick kick, boolean localToo) {
    String user = kick.user();
    String clientId = kick.clientId();
    Future<Integer> here = localToo ? local.kick(kick) : Future.succeededFuture(0);
    Future<Void> held = localToo ? Future.succeededFuture() : holdEverywhere(user);
    Future<Integer> remote = store.routes(user).compose(routes -> {
      Set<String> nodes = new LinkedHashSet<>();
      for (Route r : routes) {
        if (!r.nodeId().equals(self) && (clientId == null || clientId.equals(r.clientId())) && !cluster.departed(r.nodeId())) nodes.add(r.nodeId());
      }
      List<Future<Integer>> kicks = new ArrayList<>();
      for (String n : nodes) {
        kicks.add(vertx.eventBus().<JsonObject>request(Addresses.node(n), NodeWire.kick(kick), control)
            .map(reply -> reply.body().getInteger("kicked", 0))
            .otherwise(0));
      }
      return Future.join(kicks).map(v -> kicks.stream().mapToInt(f -> f.result() == null ? 0 : f.result()).sum());
    });
    return Future.all(here, held, remote).map(v -> here.result() + remote.result());
  }

  /** Holds the user in this node's L1 and in every dispatching peer's; completes when they answered (or failed). */
  private Future<Void> holdEverywhere(String user) {
    cache.hold(user);
    List<Future<?>> acks = new ArrayList<>();
    for (String peer : cluster.dispatchingPeers()) {
      if (peer.equals(self)) continue;
      acks.add(vertx.eventBus().request(Addresses.node(peer), NodeWire.hold(List.of(user)), control).mapEmpty().otherwiseEmpty());
    }
    return Future.join(acks).mapEmpty();
  }

  /** Reads the user's routes from the store: live node ids, caching a non-empty result, cleaning departed nodes' routes. */
  private Future<String[]> readRoutes(String user) {
    long stamp = cache.stamp(user);
    return store.routes(user).map(routes -> {
      Set<String> nodes = new LinkedHashSet<>();
      List<Route> stale = null;
      for (Route r : routes) {
        if (cluster.departed(r.nodeId())) {
          if (stale == null) stale = new ArrayList<>();
          stale.add(r);
        } else {
          nodes.add(r.nodeId());
        }
      }
      if (stale != null) store.removeRoutes(stale);
      String[] out = nodes.toArray(String[]::new);
      if (out.length > 0) cache.put(user, out, stamp);
      return out;
    });
  }

  /**
   * Hands the message to each node. {@code tried} is null on the first attempt; a node that answers "gone" makes
   * the first attempt re-read the routes once and try the nodes it had not tried.
   */
  private void deliver(StoredMessage message, String[] nodes, Set<String> tried) {
    GoneOnce gone = tried == null ? new GoneOnce(message, nodes) : null;
    for (String node : nodes) {
      if (tried != null && tried.contains(node)) continue;
      if (node.equals(self)) {
        if (!local.deliver(message) && gone != null) gone.fire();
      } else {
        // The gone handler runs (and may start a re-read, itself in flight) before this send stops counting.
        holding(batcher.send(node, message).onSuccess(ok -> {
          if (!ok && gone != null) gone.fire();
        }));
      }
    }
  }

  private boolean noneDeparted(String[] nodes) {
    for (String n : nodes) {
      if (cluster.departed(n)) return false;
    }
    return true;
  }

  /** The one re-read of a message's first attempt, however many nodes answered "gone". */
  private final class GoneOnce {
    private final StoredMessage message;
    private final String[] nodes;
    private boolean fired;

    GoneOnce(StoredMessage message, String[] nodes) {
      this.message = message;
      this.nodes = nodes;
    }

    synchronized void fire() {
      if (fired) return;
      fired = true;
      cache.invalidate(message.user());
      Set<String> tried = Set.of(nodes);
      holding(readRoutes(message.user()).onSuccess(fresh -> deliver(message, fresh, tried)));
    }
  }
}
