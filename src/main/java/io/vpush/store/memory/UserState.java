package io.vpush.store.memory;

import io.vpush.store.Accepted;
import io.vpush.store.InboxPage;
import io.vpush.store.NewMessage;
import io.vpush.store.Route;
import io.vpush.store.StoredMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One user's seq counter, inbox, idempotency index, ack cursors and routes; every method holds the
 * instance's monitor for a short, bounded step so users never contend with each other.
 */
final class UserState {

  /** The user id, one instance per user: every stored message refers to it instead of its own copy. */
  private final String user;
  private long seq;
  /** Highest seq dropped (expired or trimmed): a read after a lower seq has a gap. */
  private long maxDropped;
  private final SeqInbox inbox = new SeqInbox();
  /** Message id -> the retained message, for exactly as long as it is retained (no boxed seq per message). */
  private final Map<String, StoredMessage> ids = new HashMap<>();
  private final DropCounters counters;
  private Map<String, Long> cursors;
  private Map<String, RouteEntry> routes;

  private record RouteEntry(Route route, long expiresAt) {}

  UserState(String user, DropCounters counters) {
    this.user = user;
    this.counters = counters;
  }

  synchronized Accepted accept(NewMessage m, long ttlSeconds, long now, int cap) {
    purgeExpired(now);
    StoredMessage known = m.freshId() ? null : ids.get(m.id());
    if (known != null) {
      return new Accepted(known, true);
    }
    StoredMessage stored = new StoredMessage(m.id(), user, ++seq, m.ts(), m.ts() + ttlSeconds * 1000L,
        m.payload(), m.devices());
    inbox.append(stored);
    // A fresh id cannot come again (see NewMessage): no index entry, one map node less per retained message.
    if (!m.freshId()) ids.put(stored.id(), stored);
    while (inbox.size() > cap) {
      dropped(inbox.removeFirst());
      counters.capped.increment();
    }
    // A message that is already past its expiry (e.g. released late) is accepted and dropped at once.
    purgeExpired(now);
    return new Accepted(stored, false);
  }

  synchronized InboxPage read(long afterSeq, int limit, long maxBytes, long now) {
    purgeExpired(now);
    List<StoredMessage> page = new ArrayList<>(Math.min(limit, inbox.size()));
    boolean more = inbox.after(afterSeq, limit, maxBytes, page);
    return new InboxPage(page, seq, more, maxDropped > afterSeq);
  }

  synchronized long lastSeq() {
    return seq;
  }

  synchronized long cursor(String clientId) {
    return cursors == null ? 0L : Math.min(seq, cursors.getOrDefault(clientId, 0L));
  }

  /**
   * Moves a cursor forward, never past the user's last seq: a client cannot have seen a later message, and a cursor
   * beyond it would hide every message up to it from that client's next catch-up.
   */
  synchronized void ack(String clientId, long ackSeq) {
    long clamped = Math.min(ackSeq, seq);
    if (clamped <= 0) return;
    if (cursors == null) cursors = new HashMap<>(4);
    cursors.merge(clientId, clamped, Math::max);
  }

  synchronized void putRoute(Route route, long expiresAt) {
    if (routes == null) routes = new HashMap<>(4);
    routes.put(routeKey(route), new RouteEntry(route, expiresAt));
  }

  /** Removes the entry of the route's connection; one a newer connection of the same client wrote (another since) stays. */
  synchronized void removeRoute(Route route) {
    if (routes == null) return;
    String key = routeKey(route);
    RouteEntry e = routes.get(key);
    if (e != null && e.route().since() == route.since()) routes.remove(key);
  }

  synchronized List<Route> routes(long now) {
    if (routes == null) return List.of();
    List<Route> live = new ArrayList<>(routes.size());
    for (Iterator<RouteEntry> it = routes.values().iterator(); it.hasNext(); ) {
      RouteEntry e = it.next();
      if (e.expiresAt() <= now) it.remove();
      else live.add(e.route());
    }
    return live;
  }

  private void purgeExpired(long now) {
    inbox.removeExpired(now, m -> {
      dropped(m);
      counters.expired.increment();
    });
  }

  /** Forgets a message the inbox no longer holds. */
  private void dropped(StoredMessage m) {
    ids.remove(m.id(), m); // only its own entry: a fresh message has none
    maxDropped = Math.max(maxDropped, m.seq());
  }

  private static String routeKey(Route r) {
    return r.nodeId() + '|' + r.clientId();
  }
}
