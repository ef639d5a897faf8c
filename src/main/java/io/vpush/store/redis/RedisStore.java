package io.vpush.store.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vpush.store.Accepted;
import io.vpush.store.InboxPage;
import io.vpush.store.NewMessage;
import io.vpush.store.Route;
import io.vpush.store.ScheduledMessage;
import io.vpush.store.Store;
import io.vpush.store.StoreStats;
import io.vpush.store.StoredMessage;
import io.vpush.time.Clock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Redis store engine: standalone Redis, Redis Cluster or Sentinel, durable as Redis is configured.
 *
 * <p>Layout: every key of a user is tagged {@code {u:<userId>}} (one cluster slot per user): {@code :meta}
 * (seq counter), {@code :inbox} (zset by seq), {@code :exp} (zset by expiry), {@code :ids} (id -> seq),
 * {@code :acks} (ack cursors: zset clientId by seq), {@code :routes} (node|client -> JSON with a logical expiry). The delay queue is
 * {@code {delay}:due} (zset by due time) plus {@code {delay}:msg} (id -> JSON).
 *
 * <p>Accept and read are one Lua script ({@code inbox.lua}): purge of expired messages, dedup, next seq,
 * append and trim happen atomically; {@link #acceptAll} sends one call per user carrying that user's messages
 * in order, so a NOSCRIPT retry can never swap two seqs of one user. Time always comes from the injected {@link Clock} as a script
 * argument, never Redis TIME; real key EXPIREs (message TTL + 1 day, 400 days for seq counters and cursors,
 * route TTL + 60 s) only clean up abandoned users. Scripts go by EVALSHA with an EVAL fallback on NOSCRIPT
 * (see {@link LuaScript#runAll} for the one case where that answers a message as duplicate).
 *
 * <p>Connections: {@link RedisLanes}, a few long-held pipelined connections instead of the exclusive-lease
 * pool (6 in flight by default), because every store call is one short command or script; batches
 * ({@code acceptAll}, routes, completes) go as one pipelined write (standalone) or as pipelined sends
 * routed per master (cluster).
 */
public final class RedisStore implements Store, StoreStats {

  /** Seq counters and cursors outlive any message TTL (max 365 days): a seq must never restart under a client. */
  static final long META_KEEP_SECONDS = 400L * 24 * 3600;
  private static final long INBOX_KEEP_MARGIN_SECONDS = 24 * 3600;
  /** Users per accept call on standalone Redis: Redis runs nothing else while a script runs (~10 calls per user). */
  static final int USERS_PER_CALL = 64;
  private static final long ROUTE_KEEP_MARGIN_MS = 60_000;
  private static final LuaScript INBOX = LuaScript.load("inbox.lua");
  private static final LuaScript ACK = LuaScript.load("ack.lua");
  private static final LuaScript ROUTES_CLEANUP = LuaScript.load("routes_cleanup.lua");
  private static final AtomicLong STORES = new AtomicLong();

  /** Context data key of a context's {@link AckBatcher}; unique per store, so two stores never share one. */
  private final String ackBatcherKey = "vpush.redis.acks." + STORES.incrementAndGet();

  private final RedisLanes lanes;
  private final RedisDelayQueue delay;
  private final Clock clock;
  private final int inboxCap;
  private final long defaultTtlSeconds;
  private final LongAdder droppedByCap = new LongAdder();
  private final LongAdder expired = new LongAdder();

  private RedisStore(RedisLanes lanes, Clock clock, int inboxCap, long defaultTtlSeconds) {
    this.lanes = lanes;
    this.delay = new RedisDelayQueue(lanes);
    this.clock = clock;
    this.inboxCap = inboxCap;
    this.defaultTtlSeconds = defaultTtlSeconds;
  }

  /**
   * Connects {@code lanes} pipelined connections, pings them and loads the scripts; fails with a
   * {@link io.vpush.store.StoreUnavailableException} naming the target when Redis cannot be reached.
   *
   * @param options   how to reach Redis (type STANDALONE, CLUSTER or SENTINEL); its pool is sized to fit the lanes
   * @param lanes     held connections (cluster: per master), e.g. {@code redis.poolSize}
   * @param timeoutMs a command not answered within this time fails as unavailable
   */
  public static Future<RedisStore> connect(Vertx vertx, RedisOptions options, int lanes, long timeoutMs,
                                           Clock clock, int inboxCap, long defaultTtlSeconds) {
    if (inboxCap < 1) throw new IllegalArgumentException("inboxCap must be at least 1, got " + inboxCap);
    if (defaultTtlSeconds < 1) throw new IllegalArgumentException("defaultTtlSeconds must be at least 1, got " + defaultTtlSeconds);
    RedisOptions opts = new RedisOptions(options);
    // Each lane holds one pooled connection per endpoint for good; leave room for a reconnect.
    opts.setMaxPoolSize(Math.max(opts.getMaxPoolSize(), lanes + 2));
    opts.setMaxWaitingHandlers(Math.max(opts.getMaxWaitingHandlers(), 32_768));
    String target = String.join(",", opts.getEndpoints()) + " (" + opts.getType().name().toLowerCase() + ")";
    RedisLanes l = new RedisLanes(vertx, Redis.createClient(vertx, opts), target,
        opts.getType() == RedisClientType.CLUSTER, lanes, timeoutMs);
    RedisStore store = new RedisStore(l, clock, inboxCap, defaultTtlSeconds);
    return l.ping()
        .compose(v -> store.loadScripts())
        .map(v -> store)
        .recover(e -> l.close().transform(ignored -> Future.failedFuture(e)));
  }

  /** SCRIPT LOAD of every script, checking the server computes the same sha (a cluster loads lazily by EVAL too). */
  private Future<Void> loadScripts() {
    List<LuaScript> all = List.of(INBOX, ACK, RedisDelayQueue.SCHEDULE, RedisDelayQueue.CLAIM, ROUTES_CLEANUP);
    return lanes.sendAll(all.stream().map(LuaScript::loadRequest).toList()).map(shas -> {
      for (int i = 0; i < all.size(); i++) {
        if (!all.get(i).sha().equals(shas.get(i).toString())) {
          throw new IllegalStateException("Redis returned an unexpected sha for " + all.get(i).name());
        }
      }
      return null;
    });
  }

  /** Checks Redis answers on every held connection. */
  public Future<Void> ping() {
    return lanes.ping();
  }

  // --- inbox ---

  @Override
  public Future<Accepted> accept(NewMessage message) {
    return INBOX.run(lanes, acceptCall(List.of(List.of(message)))).map(r -> accepted(message, r.get(0), 0));
  }

  /**
   * One script call per group of users (each user's messages in the given order), all calls pipelined; answers in the
   * given order. On standalone Redis a call carries up to {@link #USERS_PER_CALL} users; in a cluster, one (a script's
   * keys must share a slot).
   */
  @Override
  public Future<List<Accepted>> acceptAll(List<NewMessage> messages) {
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
    return INBOX.runAll(lanes, calls).map(rs -> {
      Accepted[] out = new Accepted[messages.size()];
      for (int u = 0; u < users.size(); u++) {
        Response r = rs.get(u / perCall).get(u % perCall);
        List<Integer> idx = users.get(u);
        for (int j = 0; j < idx.size(); j++) out[idx.get(j)] = accepted(messages.get(idx.get(j)), r, j);
      }
      return List.of(out);
    });
  }

  /**
   * One accept call for several users, each with its messages in order (see inbox.lua): the script names a user's keys
   * from its id, and KEYS holds the first user's meta key so that a cluster client can route the call.
   */
  private LuaScript.Call acceptCall(List<List<NewMessage>> byUser) {
    List<String> args = new ArrayList<>(5 + 5 * byUser.size());
    args.addAll(List.of("accept", Long.toString(clock.nowMs()), Integer.toString(inboxCap),
        Long.toString(META_KEEP_SECONDS), Long.toString(INBOX_KEEP_MARGIN_SECONDS)));
    for (List<NewMessage> sameUser : byUser) {
      args.add(sameUser.get(0).user());
      args.add(Integer.toString(sameUser.size()));
      for (NewMessage m : sameUser) {
        long expiresAt = expiresAt(m);
        args.add(m.id());
        args.add(Long.toString(expiresAt));
        args.add(RedisCodec.inboxEntry(m.ts(), expiresAt, m.payload(), m.devices()));
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

  @Override
  public Future<InboxPage> read(String user, long afterSeq, int limit) {
    if (limit < 1) return Future.failedFuture(new IllegalArgumentException("limit must be at least 1, got " + limit));
    LuaScript.Call call = new LuaScript.Call(userKeys(user),
        List.of("read", Long.toString(clock.nowMs()), Long.toString(afterSeq), Integer.toString(limit)));
    return INBOX.run(lanes, call).map(r -> {
      long last = r.get(0).toLong();
      long retainedAfter = r.get(1).toLong();
      expired.add(r.get(2).toLong());
      int n = r.size() - 3;
      List<StoredMessage> page = new ArrayList<>(Math.min(n, limit));
      for (int i = 0; i < Math.min(n, limit); i++) page.add(RedisCodec.inboxMember(user, r.get(3 + i).toBytes()));
      // Seqs are contiguous and each one enters the inbox, so fewer retained than assigned means drops.
      boolean gap = last > afterSeq && retainedAfter < last - afterSeq;
      return new InboxPage(page, last, n > limit, gap);
    });
  }

  @Override
  public Future<Long> lastSeq(String user) {
    return lanes.send(Request.cmd(Command.HGET).arg(RedisKeys.meta(user)).arg("seq")).map(RedisStore::longOrZero);
  }

  @Override
  public Future<Long> cursor(String user, String clientId) {
    return lanes.send(Request.cmd(Command.ZSCORE).arg(RedisKeys.cursors(user)).arg(clientId)).map(RedisStore::longOrZero);
  }

  @Override
  public Future<Void> ack(String user, String clientId, long seq) {
    Context context = Vertx.currentContext();
    if (lanes.cluster() || context == null) {
      return ACK.run(lanes, new LuaScript.Call(List.of(RedisKeys.cursors(user)),
          List.of(Long.toString(META_KEEP_SECONDS), clientId, Long.toString(seq)))).mapEmpty();
    }
    // Standalone: the acks of this event loop within AckBatcher.WINDOW_MS go as one script call, one batcher per context.
    AckBatcher batcher = context.get(ackBatcherKey);
    if (batcher == null) {
      batcher = new AckBatcher(context, ACK, lanes, META_KEEP_SECONDS);
      context.put(ackBatcherKey, batcher);
    }
    return batcher.ack(RedisKeys.cursors(user), clientId, seq);
  }

  // --- delay queue ---

  @Override
  public Future<Void> schedule(ScheduledMessage message) {
    return delay.schedule(message);
  }

  @Override
  public Future<List<ScheduledMessage>> claimDue(long now, int max, long leaseMs) {
    return delay.claimDue(now, max, leaseMs);
  }

  @Override
  public Future<Void> completeScheduled(Collection<ScheduledMessage> done) {
    return delay.complete(done);
  }

  // --- routes ---

  @Override
  public Future<Void> putRoutes(Collection<Route> routes, long ttlMs) {
    long expiresAt = clock.nowMs() + ttlMs;
    List<Request> requests = new ArrayList<>();
    byUser(routes).forEach((user, rs) -> {
      Request hset = Request.cmd(Command.HSET).arg(RedisKeys.routes(user));
      for (Route r : rs) hset.arg(RedisCodec.routeField(r)).arg(RedisCodec.route(r, expiresAt));
      requests.add(hset);
      requests.add(Request.cmd(Command.PEXPIRE).arg(RedisKeys.routes(user)).arg(ttlMs + ROUTE_KEEP_MARGIN_MS));
    });
    return lanes.sendAll(requests).mapEmpty();
  }

  @Override
  public Future<Void> removeRoutes(Collection<Route> routes) {
    List<Request> requests = new ArrayList<>();
    byUser(routes).forEach((user, rs) -> {
      Request hdel = Request.cmd(Command.HDEL).arg(RedisKeys.routes(user));
      for (Route r : rs) hdel.arg(RedisCodec.routeField(r));
      requests.add(hdel);
    });
    return lanes.sendAll(requests).mapEmpty();
  }

  @Override
  public Future<List<Route>> routes(String user) {
    return lanes.send(Request.cmd(Command.HVALS).arg(RedisKeys.routes(user))).compose(r -> {
      long now = clock.nowMs();
      List<Route> live = new ArrayList<>(r.size());
      List<String> stale = new ArrayList<>();
      for (Response v : r) {
        JsonObject o = new JsonObject(v.toString());
        Route route = RedisCodec.route(user, o);
        if (o.getLong("x") > now) live.add(route);
        else stale.add(RedisCodec.routeField(route));
      }
      if (stale.isEmpty()) return Future.succeededFuture(live);
      // Entries of crashed nodes are never removed by them: drop them here (rare, so the extra trip is cheap),
      // re-checking the expiry in the script so a refresh that raced with this read is kept.
      stale.add(0, Long.toString(now));
      return ROUTES_CLEANUP.run(lanes, new LuaScript.Call(List.of(RedisKeys.routes(user)), stale)).map(ignored -> live);
    });
  }

  @Override
  public Future<Void> close() {
    return lanes.close();
  }

  @Override
  public long droppedByCap() {
    return droppedByCap.sum();
  }

  @Override
  public long expired() {
    return expired.sum();
  }

  private static List<String> userKeys(String user) {
    return List.of(RedisKeys.meta(user), RedisKeys.inbox(user), RedisKeys.expiry(user), RedisKeys.ids(user));
  }

  private static Map<String, List<Route>> byUser(Collection<Route> routes) {
    Map<String, List<Route>> m = new LinkedHashMap<>();
    for (Route r : routes) m.computeIfAbsent(r.user(), u -> new ArrayList<>()).add(r);
    return m;
  }

  private static long longOrZero(Response r) {
    return r == null ? 0L : r.toLong();
  }
}
