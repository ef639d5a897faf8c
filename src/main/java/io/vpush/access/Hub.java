package io.vpush.access;

import io.vpush.dispatch.Kick;
import io.vpush.metrics.Metrics;
import io.vpush.store.Route;
import io.vpush.store.StoredMessage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One shard's registered sessions, by user and by topic: plain maps, touched only on the shard's event loop. It tells
 * the node's {@link Shards} directory when a user's first session arrives here and when its last one leaves.
 */
final class Hub {

  private static final Session[] NONE = new Session[0];

  private final Map<String, Session[]> users = new HashMap<>();
  private final Map<String, Set<Session>> topics = new HashMap<>();
  private final Shards directory;
  private final int shard;
  private final Metrics metrics;
  /** The shard's event-loop thread, set when the shard starts on it; every call checks it ({@link #onOwnLoop}). */
  private Thread owner;
  private boolean violationLogged;

  Hub(Shards directory, int shard, Metrics metrics) {
    this.directory = directory;
    this.shard = shard;
    this.metrics = metrics;
  }

  /** Binds the hub to the calling thread, the shard's event loop. */
  void bindToCurrentThread() {
    owner = Thread.currentThread();
  }

  /**
   * Whether the caller is on the shard's loop; a call from anywhere else is a bug, counted in
   * {@code vpush_shard_confinement_violations_total} (a reference comparison per call: cheap enough to keep on).
   */
  private void onOwnLoop() {
    if (owner == null || Thread.currentThread() == owner) return;
    metrics.confinementViolated();
    if (!violationLogged) {
      violationLogged = true;
      org.slf4j.LoggerFactory.getLogger(Hub.class).error("shard {} touched from {} (its loop is {})", shard,
          Thread.currentThread().getName(), owner.getName(), new IllegalStateException("off-loop call"));
    }
  }

  /** Adds a registered session under its user. */
  void add(Session session) {
    onOwnLoop();
    Session[] current = users.get(session.userId());
    if (current == null) {
      users.put(session.userId(), new Session[] {session});
      directory.joined(session.userId(), shard);
      return;
    }
    Session[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = session;
    users.put(session.userId(), next);
  }

  /** Removes a session from its user and its topics. */
  void remove(Session session) {
    onOwnLoop();
    String user = session.userId();
    Session[] current = user == null ? null : users.get(user);
    if (current != null) {
      int i = indexOf(current, session);
      if (i >= 0 && current.length == 1) {
        users.remove(user);
        directory.left(user, shard);
      } else if (i >= 0) {
        Session[] next = new Session[current.length - 1];
        System.arraycopy(current, 0, next, 0, i);
        System.arraycopy(current, i + 1, next, i, current.length - i - 1);
        users.put(user, next);
      }
    }
    for (String topic : session.topics()) unsubscribe(topic, session);
  }

  /** Hands a user's message to each of the user's sessions here; returns how many there were. */
  int deliver(StoredMessage message) {
    onOwnLoop();
    Session[] sessions = users.getOrDefault(message.user(), NONE);
    if (sessions.length == 0) return 0;
    Outbound out = new Outbound(message);
    for (Session s : sessions) s.offer(out);
    return sessions.length;
  }

  /** The session of (user, clientId) here, or null. */
  Session find(String userId, String clientId) {
    onOwnLoop();
    for (Session s : users.getOrDefault(userId, NONE)) {
      if (s.clientId().equals(clientId)) return s;
    }
    return null;
  }

  /** Kicks the sessions here that {@code kick} names; returns how many. */
  int kick(Kick kick) {
    onOwnLoop();
    int n = 0;
    // A copy: a kick closes the session, which leaves this array.
    for (Session s : users.getOrDefault(kick.user(), NONE).clone()) {
      if (kick.closes(s.clientId(), s.registeredAt())) {
        s.kick(kick.byInstance());
        n++;
      }
    }
    return n;
  }

  void subscribe(String topic, Session session) {
    onOwnLoop();
    topics.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(session);
  }

  void unsubscribe(String topic, Session session) {
    onOwnLoop();
    Set<Session> set = topics.get(topic);
    if (set != null && set.remove(session) && set.isEmpty()) topics.remove(topic);
  }

  /** Sends a topic frame to every subscriber here; returns how many. */
  int deliverTopic(String topic, String frame) {
    onOwnLoop();
    Set<Session> subs = topics.get(topic);
    if (subs == null) return 0;
    for (Session s : List.copyOf(subs)) s.offerFrame(frame);
    return subs.size();
  }

  /** Route entries for every session here, for the periodic route refresh. */
  void forEachRoute(Consumer<Route> action) {
    onOwnLoop();
    for (Session[] sessions : users.values()) {
      for (Session s : sessions) action.accept(s.route());
    }
  }

  /** Every session here (shutdown tells each to reconnect elsewhere). */
  List<Session> sessions() {
    onOwnLoop();
    List<Session> out = new ArrayList<>();
    for (Session[] arr : users.values()) out.addAll(Arrays.asList(arr));
    return out;
  }

  int userCount() {
    return users.size();
  }

  private static int indexOf(Session[] arr, Session s) {
    for (int i = 0; i < arr.length; i++) {
      if (arr[i] == s) return i;
    }
    return -1;
  }
}
