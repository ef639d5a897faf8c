package io.vpush.access;

import io.vertx.core.json.JsonObject;
import io.vpush.store.Route;
import io.vpush.store.StoredMessage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's registered sessions, by user and by topic. Lock-free reads; a user's sessions are a small
 * copy-on-write array, so delivery iterates without locking and registration touches only that user's entry.
 */
public final class Hub {

  private static final Session[] NONE = new Session[0];

  private final ConcurrentHashMap<String, Session[]> users = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<Session>> topics = new ConcurrentHashMap<>();

  /** Adds a registered session under its user. */
  void add(Session session) {
    users.compute(session.userId(), (u, current) -> {
      if (current == null) return new Session[] {session};
      Session[] next = Arrays.copyOf(current, current.length + 1);
      next[current.length] = session;
      return next;
    });
  }

  /** Removes a session from its user and its topics. */
  void remove(Session session) {
    if (session.userId() != null) {
      users.computeIfPresent(session.userId(), (u, current) -> {
        int i = indexOf(current, session);
        if (i < 0) return current;
        if (current.length == 1) return null;
        Session[] next = new Session[current.length - 1];
        System.arraycopy(current, 0, next, 0, i);
        System.arraycopy(current, i + 1, next, i, current.length - i - 1);
        return next;
      });
    }
    for (String topic : session.topics()) unsubscribe(topic, session);
  }

  /** Hands a user's message to each of the user's sessions here; returns how many there were (0: the user is not here). */
  public int deliver(StoredMessage message) {
    Session[] sessions = users.getOrDefault(message.user(), NONE);
    if (sessions.length == 0) return 0;
    Outbound out = new Outbound(message);
    for (Session s : sessions) s.offer(out);
    return sessions.length;
  }

  /** Whether the user has a session on this node. */
  public boolean holds(String userId) {
    return users.containsKey(userId);
  }

  /** The session of (user, clientId) on this node, or null. */
  Session find(String userId, String clientId) {
    for (Session s : users.getOrDefault(userId, NONE)) {
      if (s.clientId().equals(clientId)) return s;
    }
    return null;
  }

  /** Kicks the user's sessions here (those of one clientId when given, except {@code keep}); returns how many. */
  public int kick(String userId, String clientId, Session keep) {
    int n = 0;
    for (Session s : users.getOrDefault(userId, NONE)) {
      if (s != keep && (clientId == null || s.clientId().equals(clientId))) {
        s.kick();
        n++;
      }
    }
    return n;
  }

  void subscribe(String topic, Session session) {
    topics.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(session);
  }

  void unsubscribe(String topic, Session session) {
    topics.computeIfPresent(topic, (t, set) -> {
      set.remove(session);
      return set.isEmpty() ? null : set;
    });
  }

  /** Sends a topic frame to every subscriber here; returns how many. */
  public int deliverTopic(String topic, String frame) {
    Set<Session> subs = topics.get(topic);
    if (subs == null) return 0;
    for (Session s : subs) s.offerFrame(frame);
    return subs.size();
  }

  /** The user's connections here, for the admin API. */
  public List<JsonObject> connections(String userId) {
    List<JsonObject> out = new ArrayList<>();
    for (Session s : users.getOrDefault(userId, NONE)) out.add(s.describe());
    return out;
  }

  /** Route entries for every session here, for the periodic route refresh. */
  public void forEachRoute(Consumer<Route> action) {
    users.values().forEach(sessions -> {
      for (Session s : sessions) action.accept(s.route());
    });
  }

  /** Every session here (shutdown tells each to reconnect elsewhere). */
  public List<Session> sessions() {
    List<Session> out = new ArrayList<>();
    users.values().forEach(arr -> out.addAll(Arrays.asList(arr)));
    return out;
  }

  public int userCount() {
    return users.size();
  }

  private static int indexOf(Session[] arr, Session s) {
    for (int i = 0; i < arr.length; i++) {
      if (arr[i] == s) return i;
    }
    return -1;
  }
}
