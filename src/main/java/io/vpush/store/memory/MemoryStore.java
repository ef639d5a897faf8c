package io.vpush.store.memory;

import io.vertx.core.Future;
import io.vpush.store.Accepted;
import io.vpush.store.InboxPage;
import io.vpush.store.NewMessage;
import io.vpush.store.Route;
import io.vpush.store.ScheduledMessage;
import io.vpush.store.Store;
import io.vpush.store.StoreStats;
import io.vpush.time.Clock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded, in-memory store engine: one node, not durable across restarts.
 *
 * <p>Safe to call from several event loops at once: per-user state sits in a {@link ConcurrentHashMap} and
 * each call holds only that user's monitor for a short step (the delay queue has its own). Every method
 * answers with an already completed future. Expiry is logical, judged with the injected {@link Clock}.
 *
 * <p>A user's state (its seq counter above all) is kept for the life of the process, so seqs never restart;
 * that costs a few hundred bytes per user ever seen, which is fine for the one-node engine.
 */
public final class MemoryStore implements Store, StoreStats {

  private final Clock clock;
  private final int inboxCap;
  private final long defaultTtlSeconds;
  private final ConcurrentHashMap<String, UserState> users = new ConcurrentHashMap<>();
  private final MemoryDelayQueue delay = new MemoryDelayQueue();
  private final DropCounters counters = new DropCounters();

  public MemoryStore(Clock clock, int inboxCap, long defaultTtlSeconds) {
    if (inboxCap < 1) throw new IllegalArgumentException("inboxCap must be at least 1, got " + inboxCap);
    if (defaultTtlSeconds < 1) throw new IllegalArgumentException("defaultTtlSeconds must be at least 1, got " + defaultTtlSeconds);
    this.clock = clock;
    this.inboxCap = inboxCap;
    this.defaultTtlSeconds = defaultTtlSeconds;
  }

  @Override
  public Future<Accepted> accept(NewMessage message) {
    return Future.succeededFuture(acceptNow(message));
  }

  @Override
  public Future<List<Accepted>> acceptAll(List<NewMessage> messages) {
    List<Accepted> out = new ArrayList<>(messages.size());
    for (NewMessage m : messages) out.add(acceptNow(m));
    return Future.succeededFuture(out);
  }

  private Accepted acceptNow(NewMessage m) {
    long ttl = m.ttlSeconds() > 0 ? m.ttlSeconds() : defaultTtlSeconds;
    return user(m.user()).accept(m, ttl, clock.nowMs(), inboxCap);
  }

  @Override
  public Future<InboxPage> read(String user, long afterSeq, int limit, long maxBytes) {
    if (limit < 1) return Future.failedFuture(new IllegalArgumentException("limit must be at least 1, got " + limit));
    UserState s = users.get(user);
    if (s == null) return Future.succeededFuture(new InboxPage(List.of(), 0, false, false));
    return Future.succeededFuture(s.read(afterSeq, limit, maxBytes, clock.nowMs()));
  }

  @Override
  public Future<Long> lastSeq(String user) {
    UserState s = users.get(user);
    return Future.succeededFuture(s == null ? 0L : s.lastSeq());
  }

  @Override
  public Future<Long> cursor(String user, String clientId) {
    UserState s = users.get(user);
    return Future.succeededFuture(s == null ? 0L : s.cursor(clientId));
  }

  @Override
  public Future<Void> ack(String user, String clientId, long seq) {
    user(user).ack(clientId, seq);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> schedule(ScheduledMessage message) {
    delay.schedule(message);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<ScheduledMessage>> claimDue(long now, int max, long leaseMs) {
    return Future.succeededFuture(delay.claimDue(now, max, leaseMs));
  }

  @Override
  public Future<Void> completeScheduled(Collection<ScheduledMessage> done) {
    delay.complete(done);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> putRoutes(Collection<Route> routes, long ttlMs) {
    long expiresAt = clock.nowMs() + ttlMs;
    for (Route r : routes) user(r.user()).putRoute(r, expiresAt);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> removeRoutes(Collection<Route> routes) {
    for (Route r : routes) {
      UserState s = users.get(r.user());
      if (s != null) s.removeRoute(r);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Route>> routes(String user) {
    UserState s = users.get(user);
    return Future.succeededFuture(s == null ? List.of() : s.routes(clock.nowMs()));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public long droppedByCap() {
    return counters.capped.sum();
  }

  @Override
  public long expired() {
    return counters.expired.sum();
  }

  private UserState user(String user) {
    return users.computeIfAbsent(user, u -> new UserState(u, counters));
  }
}
