package io.vpush.access;

import io.vertx.core.Future;
import io.vpush.dispatch.Kick;
import io.vpush.dispatch.LocalDelivery;
import io.vpush.store.StoredMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The node's directory of its access shards: which shards hold sessions of which user (a bit per shard), so that a
 * delivery goes to the shards that hold its user, one hop each onto the shard's own event loop, where the shard's
 * {@link Hub} hands it to the sessions. The only node-wide state of the access role; everything else is per shard.
 */
public final class Shards implements LocalDelivery {

  /** Shards per node at most: one per event loop, and a user's shards are one bit each of a long. */
  public static final int MAX = 64;

  private final AtomicReferenceArray<Shard> shards = new AtomicReferenceArray<>(MAX);
  /** User -> bit mask of the shards holding a session of the user (small masks are cached Longs: no garbage). */
  private final ConcurrentHashMap<String, Long> users = new ConcurrentHashMap<>();

  /** Takes a free index for a new shard; fails when {@link #MAX} are in use. */
  synchronized int attach(Shard shard) {
    for (int i = 0; i < MAX; i++) {
      if (shards.compareAndSet(i, null, shard)) return i;
    }
    throw new IllegalStateException("more than " + MAX + " access shards (access.instances)");
  }

  void detach(Shard shard) {
    shards.compareAndSet(shard.index(), shard, null);
  }

  /** Called by shard {@code index}'s hub, on its loop, when the user's first session there registered. */
  void joined(String user, int index) {
    users.merge(user, 1L << index, (a, b) -> a | b);
  }

  /** Called by shard {@code index}'s hub, on its loop, when the user's last session there left. */
  void left(String user, int index) {
    users.computeIfPresent(user, (u, mask) -> {
      long rest = mask & ~(1L << index);
      return rest == 0 ? null : rest;
    });
  }

  @Override
  public boolean deliver(StoredMessage message) {
    Long mask = users.get(message.user());
    if (mask == null) return false;
    forEach(mask, shard -> shard.execute(() -> shard.hub().deliver(message)));
    return true;
  }

  @Override
  public List<Integer> deliverAll(List<StoredMessage> messages) {
    List<Integer> gone = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<StoredMessage>[] byShard = new List[MAX];
    for (int i = 0; i < messages.size(); i++) {
      StoredMessage m = messages.get(i);
      Long mask = users.get(m.user());
      if (mask == null) {
        gone.add(i);
        continue;
      }
      for (long bits = mask; bits != 0; bits &= bits - 1) {
        int s = Long.numberOfTrailingZeros(bits);
        if (byShard[s] == null) byShard[s] = new ArrayList<>();
        byShard[s].add(m);
      }
    }
    for (int s = 0; s < MAX; s++) {
      List<StoredMessage> batch = byShard[s];
      Shard shard = batch == null ? null : shards.get(s);
      if (shard != null) shard.execute(() -> batch.forEach(shard.hub()::deliver));
    }
    return gone;
  }

  @Override
  public void deliverTopic(String topic, String frame) {
    for (Shard shard : live()) shard.execute(() -> shard.hub().deliverTopic(topic, frame));
  }

  @Override
  public Future<Integer> kick(Kick kick) {
    Long mask = users.get(kick.user());
    if (mask == null) return Future.succeededFuture(0);
    List<Future<Integer>> kicks = new ArrayList<>();
    forEach(mask, shard -> kicks.add(shard.call(() -> shard.hub().kick(kick))));
    return Future.join(kicks).map(v -> kicks.stream().mapToInt(f -> f.result() == null ? 0 : f.result()).sum());
  }

  /**
   * Takes the (user, clientId) session of any shard out of its hub and kicks it, for a newer connection of the same
   * client; completes, on the caller's context, once every shard holding the user has done so. A session that
   * registered after {@code replacing} began is the newer one and stays.
   */
  Future<Void> replace(Kick replacing) {
    Long mask = users.get(replacing.user());
    if (mask == null) return Future.succeededFuture();
    List<Future<Void>> done = new ArrayList<>();
    forEach(mask, shard -> done.add(shard.call(() -> {
      Session older = shard.hub().find(replacing.user(), replacing.clientId());
      if (older != null && replacing.closes(older.clientId(), older.registeredAt())) {
        older.markReplaced();
        shard.hub().remove(older);
        older.kick(replacing.byInstance());
      }
      return null;
    })));
    return Future.join(done).mapEmpty();
  }

  /** Whether the user has a session on this node. */
  public boolean holds(String user) {
    return users.containsKey(user);
  }

  /** Users with a session on this node. */
  public int userCount() {
    return users.size();
  }

  /** Runs {@code action} on every shard, each on its own loop; completes when all did. */
  public Future<Void> onEveryShard(Consumer<Shard> action) {
    List<Future<Void>> done = new ArrayList<>();
    for (Shard shard : live()) {
      done.add(shard.call(() -> {
        action.accept(shard);
        return null;
      }));
    }
    return Future.join(done).mapEmpty();
  }

  private List<Shard> live() {
    List<Shard> out = new ArrayList<>();
    for (int i = 0; i < MAX; i++) {
      Shard s = shards.get(i);
      if (s != null) out.add(s);
    }
    return out;
  }

  private void forEach(long mask, Consumer<Shard> action) {
    for (long bits = mask; bits != 0; bits &= bits - 1) {
      Shard shard = shards.get(Long.numberOfTrailingZeros(bits));
      if (shard != null) action.accept(shard);
    }
  }
}
