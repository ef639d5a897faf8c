package io.vpush.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import io.vpush.store.Accepted;
import io.vpush.store.InboxPage;
import io.vpush.store.NewMessage;
import io.vpush.store.PartialAcceptException;
import io.vpush.store.StoreUnavailableException;
import io.vpush.store.StoredMessage;
import io.vpush.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Users' inboxes in Redis: accept (dedup, next seq, append, trim, expiry) and read, each one call of {@code inbox.lua}
 * per user or per group of users; counts what it dropped by cap and by expiry.
 */
final class RedisInbox {

  private static final Logger LOG = LoggerFactory.getLogger(RedisInbox.class);

  /** Users per accept call on standalone Redis: Redis runs nothing else while a script runs (~6 calls per user). */
  static final int USERS_PER_CALL = 64;
  /** The inbox keys outlive their last message by this margin (they are only a cleanup for abandoned users). */
  private static final long INBOX_KEEP_MARGIN_SECONDS = 24 * 3600;
  static final LuaScript INBOX = LuaScript.load("inbox.lua");

  private final RedisLanes lanes;
  private final RedisDurability durability;
  private final Clock clock;
  private final int inboxCap;
  private final long defaultTtlSeconds;
  private final long metaKeepSeconds;
  /** One refusal warning per 10 s at most, with the count of those not logged. */
  private final LogThrottle refusalWarnings = new LogThrottle(10_000);
  final LongAdder droppedByCap = new LongAdder();
  final LongAdder expired = new LongAdder();

  RedisInbox(RedisLanes lanes, RedisDurability durability, Clock clock, int inboxCap, long defaultTtlSeconds, long metaKeepSeconds) {
    this.lanes = lanes;
    this.durability = durability;
    this.clock = clock;
    this.inboxCap = inboxCap;
    this.defaultTtlSeconds = defaultTtlSeconds;
    this.metaKeepSeconds = metaKeepSeconds;
  }

  Future<Accepted> accept(NewMessage message) {
    RedisCommands via = writer();
    Future<Accepted> accepted = INBOX.run(via, acceptCall(List.of(List.of(message)))).map(r -> {
      Response answer = r.get(0);
      if (refused(answer)) throw new StoreUnavailableException(refusal(message.user(), answer), null);
      return accepted(message, answer, 0);
    });
    return durability.waits() ? accepted.compose(a -> durability.confirm(via).map(a)) : accepted;
  }

  /**
   * One script call per group of users (each user's messages in the given order), all calls pipelined; answers in the
   * given order. On standalone Redis a call carries up to {@link #USERS_PER_CALL} users; in a cluster, one (a script's
   * keys must share a slot). A user the script refused fails only its own messages: the call then fails with a
   * {@link PartialAcceptException} that holds the others' answers.
   */
  Future<List<Accepted>> acceptAll(List<NewMessage> messages) {
    if (messages.isEmpty()) return Future.succeededFuture(List.of());
    Map<String, List<Integer>> positions = new LinkedHashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      positions.computeIfAbsent(messages.get(i).user(), u -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> users = new ArrayList<>(positions.values());
    int perCall = lanes.cluster() ? 1 : USERS_PER_CALL;
    List<LuaScript.Call> calls = new ArrayList<>(users.size() / perCall + 1);
    for (int from = 0; from < users.size(); from += perCall) {
      List<List<NewMessage>> group = new ArrayList<>(perCall);
      for (List<Integer> idx : users.subList(from, Math.min(users.size(), from + perCall))) {
        group.add(idx.stream().map(messages::get).toList());
      }
      calls.add(acceptCall(group));
    }
    RedisCommands via = writer();
    Future<List<Response>> written = INBOX.runAll(via, calls);
    // One WAIT for the whole pipelined batch, on its connection.
    if (durability.waits()) written = written.compose(rs -> durability.confirm(via).map(rs));
    return written.compose(rs -> {
      Accepted[] out = new Accepted[messages.size()];
      List<String> refusals = new ArrayList<>();
      for (int u = 0; u < users.size(); u++) {
        Response r = rs.get(u / perCall).get(u % perCall);
        List<Integer> idx = users.get(u);
        if (refused(r)) {
          refusals.add(refusal(messages.get(idx.get(0)).user(), r));
          continue;
        }
        for (int j = 0; j < idx.size(); j++) out[idx.get(j)] = accepted(messages.get(idx.get(j)), r, j);
      }
      if (refusals.isEmpty()) return Future.succeededFuture(List.of(out));
      return Future.failedFuture(new PartialAcceptException(String.join("; ", refusals), Arrays.asList(out)));
    });
  }

  /** Where accepts go: the caller's lane, held when store.durability=replicated sends its WAIT after them on that connection. */
  private RedisCommands writer() {
    return durability.waits() ? lanes.current() : lanes;
  }

  /** Whether the script refused this user's accept (inbox.lua answers {-1, error} for it). */
  private static boolean refused(Response userAnswer) {
    return userAnswer.get(0).toLong() == -1;
  }

  private String refusal(String user, Response userAnswer) {
    String reason = userAnswer.get(1).toString();
    long held = refusalWarnings.admit(clock.nowMs());
    if (held >= 0) {
      LOG.warn("Redis refused the messages of user {}: {} (its keys need repair; other users are not affected){}", user,
          reason, held == 0 ? "" : "; " + held + " more refusals since the last warning");
    }
    return "Redis refused the messages of user " + user + ": " + reason;
  }

  /**
   * One accept call for several users, each with its messages in order (see inbox.lua): the script names a user's keys
   * from its id, and KEYS holds the first user's meta key so that a cluster client can route the call.
   */
  private LuaScript.Call acceptCall(List<List<NewMessage>> byUser) {
    List<String> args = new ArrayList<>(5 + 5 * byUser.size());
    args.addAll(List.of("accept", Long.toString(clock.nowMs()), Integer.toString(inboxCap),
        Long.toString(metaKeepSeconds), Long.toString(INBOX_KEEP_MARGIN_SECONDS)));
    for (List<NewMessage> sameUser : byUser) {
      args.add(sameUser.get(0).user());
      args.add(Integer.toString(sameUser.size()));
      for (NewMessage m : sameUser) {
        long expiresAt = expiresAt(m);
        args.add(m.id());
        args.add(Long.toString(expiresAt));
        args.add(RedisCodec.inboxEntry(m.ts(), expiresAt, m.freshId(), m.payload(), m.devices()));
      }
    }
    return new LuaScript.Call(List.of(RedisKeys.meta(byUser.get(0).get(0).user())), args);
  }

  /**
   * The j-th answer of one user's accept: {expired, capped, then per message: 0 and the new seq, or 1 and the stored
   * member of the duplicate}. A new message is built from what was sent: only its seq comes back.
   */
  private Accepted accepted(NewMessage m, Response r, int j) {
    if (j == 0) {
      expired.add(r.get(0).toLong());
      droppedByCap.add(r.get(1).toLong());
    }
    Response answer = r.get(3 + 2 * j);
    if (r.get(2 + 2 * j).toLong() == 1) return new Accepted(RedisCodec.inboxMember(m.user(), answer.toBytes()), true);
    return new Accepted(new StoredMessage(m.id(), m.user(), answer.toLong(), m.ts(), expiresAt(m), m.payload(), m.devices()), false);
  }

  private long ttlSeconds(NewMessage m) {
    return m.ttlSeconds() > 0 ? m.ttlSeconds() : defaultTtlSeconds;
  }

  private long expiresAt(NewMessage m) {
    return m.ts() + ttlSeconds(m) * 1000L;
  }

  /**
   * Reads a page of {@code user}'s inbox after {@code afterSeq}, at most {@code maxBytes} of members (at least one);
   * {@code run} sends the script call (at once, or with other reads of the caller's turn: {@link RedisLoopStore}).
   */
  Future<InboxPage> read(String user, long afterSeq, int limit, long maxBytes, Function<LuaScript.Call, Future<Response>> run) {
    if (limit < 1) return Future.failedFuture(new IllegalArgumentException("limit must be at least 1, got " + limit));
    if (maxBytes < 1) return Future.failedFuture(new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes));
    // Lua numbers are doubles: an unbounded budget goes as 2^53 - 1.
    long budget = Math.min(maxBytes, (1L << 53) - 1);
    LuaScript.Call call = new LuaScript.Call(List.of(RedisKeys.meta(user), RedisKeys.inbox(user), RedisKeys.expiry(user), RedisKeys.ids(user)),
        List.of("read", Long.toString(clock.nowMs()), Long.toString(afterSeq), Integer.toString(limit), Long.toString(budget)));
    return run.apply(call).map(r -> {
      long last = r.get(0).toLong();
      boolean gap = r.get(1).toLong() == 1;
      expired.add(r.get(2).toLong());
      boolean more = r.get(3).toLong() == 1;
      int n = r.size() - 4;
      List<StoredMessage> page = new ArrayList<>(n);
      for (int i = 0; i < n; i++) page.add(RedisCodec.inboxMember(user, r.get(4 + i).toBytes()));
      return new InboxPage(page, last, more, gap);
    });
  }
}
