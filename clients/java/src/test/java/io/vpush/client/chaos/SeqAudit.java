package io.vpush.client.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the apps' handlers saw, per user, against what the publishers had accepted: a handler call for a seq already
 * seen (or an id already seen) is a duplicate, one for a seq below the newest seen is reordered, and an accepted id
 * never seen is lost. Thread-safe: handlers of many clients and many publishers record at once.
 */
final class SeqAudit {
  private final Map<String, User> users = new ConcurrentHashMap<>();

  /** The publishers accepted {@code id} for {@code user} (an HTTP 2xx, a Kafka ack). */
  void accepted(String user, String id) {
    User u = user(user);
    synchronized (u) {
      u.accepted.add(id);
    }
  }

  /** The app handler of {@code user}'s client was called for {@code seq} carrying message {@code id}. */
  void handled(String user, long seq, String id) {
    User u = user(user);
    synchronized (u) {
      u.calls++;
      boolean newSeq = u.seqs.add(seq);
      boolean newId = u.ids.add(id);
      if (!newSeq || !newId) u.duplicated++;
      else if (seq < u.newestSeq) u.reordered++;
      u.newestSeq = Math.max(u.newestSeq, seq);
    }
  }

  /** A gap event: a hole the client could not recover. */
  void gap(String user, String what) {
    User u = user(user);
    synchronized (u) {
      u.gaps.add(what);
    }
  }

  /** True once every user's handler saw every id accepted for it. */
  boolean complete(int expectedPerUser) {
    for (User u : users.values()) {
      synchronized (u) {
        if (u.accepted.size() < expectedPerUser || !u.ids.containsAll(u.accepted)) return false;
      }
    }
    return true;
  }

  /** Totals over every user. */
  Counts counts() {
    long accepted = 0;
    long calls = 0;
    long lost = 0;
    long duplicated = 0;
    long reordered = 0;
    List<String> gaps = new ArrayList<>();
    for (Map.Entry<String, User> e : users.entrySet()) {
      User u = e.getValue();
      synchronized (u) {
        accepted += u.accepted.size();
        calls += u.calls;
        Set<String> missing = new HashSet<>(u.accepted);
        missing.removeAll(u.ids);
        lost += missing.size();
        duplicated += u.duplicated;
        reordered += u.reordered;
        for (String g : u.gaps) gaps.add(e.getKey() + ": " + g);
      }
    }
    return new Counts(users.size(), accepted, calls, lost, duplicated, reordered, gaps);
  }

  /** For a failure message: each user with lost messages, how many, its newest seq handled and a few lost ids. */
  String lostByUser() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, User> e : new java.util.TreeMap<>(users).entrySet()) {
      User u = e.getValue();
      synchronized (u) {
        Set<String> missing = new java.util.TreeSet<>(u.accepted);
        missing.removeAll(u.ids);
        if (missing.isEmpty()) continue;
        sb.append(e.getKey()).append(": ").append(missing.size()).append(" lost, newest seq handled ").append(u.newestSeq)
            .append(", e.g. ").append(missing.stream().limit(3).toList()).append('\n');
      }
    }
    return sb.toString();
  }

  private User user(String user) {
    return users.computeIfAbsent(user, k -> new User());
  }

  /** The audit's totals; {@link #toString()} is the line the test prints. */
  record Counts(int users, long accepted, long handlerCalls, long lost, long duplicated, long reordered, List<String> gaps) {
    @Override
    public String toString() {
      return users + " users, " + accepted + " messages accepted, " + handlerCalls + " handler calls: " + lost + " lost, "
          + duplicated + " duplicated, " + reordered + " reordered, " + gaps.size() + " gaps" + (gaps.isEmpty() ? "" : " " + gaps);
    }
  }

  private static final class User {
    final Set<String> accepted = new HashSet<>();
    final Set<Long> seqs = new HashSet<>();
    final Set<String> ids = new HashSet<>();
    long newestSeq;
    long calls;
    long duplicated;
    long reordered;
    final List<String> gaps = new ArrayList<>();
  }
}
