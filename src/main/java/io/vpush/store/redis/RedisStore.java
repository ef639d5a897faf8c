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
import io.vpush.time.Clock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis store engine: standalone Redis, Redis Cluster or Sentinel, durable as Redis is configured.
 *
 * <p>Layout: every key of a user is tagged {@code {u:<userId>}} (one cluster slot per user): {@code :meta}
 * (seq counter and inbox state), {@code :inbox} (hash seq -> message), {@code :exp} (zset by expiry, only for messages
 * expiring before an earlier one), {@code :ids} (id -> seq),
 * {@code :acks} (ack cursors: zset clientId by seq), {@code :routes} (node|client -> JSON with a logical expiry). The delay queue is
 * {@code {delay}:due2} (zset by due time) plus {@code {delay}:msg2} (key -> JSON), see {@link RedisDelayQueue}.
 *
 * <p>Accept and read are one Lua script ({@code inbox.lua}, called by {@link RedisInbox}): purge of expired messages, dedup, next seq,
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
  private static final long ROUTE_KEEP_MARGIN_MS = 60_000;
  static final LuaScript ACK = LuaScript.load("ack.lua");
  private static final LuaScript ROUTES_CLEANUP = LuaScript.load("routes_cleanup.lua");
  static final LuaScript ROUTES_REMOVE = LuaScript.load("routes_remove.lua");

  final RedisLanes lanes;
  final RedisInbox inbox;
  private final RedisDelayQueue delay;
  private final Clock clock;

  private final RedisDurability durability;

  private RedisStore(RedisLanes lanes, RedisDurability durability, Clock clock, int inboxCap, long defaultTtlSeconds) {
    this.lanes = lanes;
    this.durability = durability;
    this.inbox = new RedisInbox(lanes, durability, clock, inboxCap, defaultTtlSeconds, META_KEEP_SECONDS);
    this.delay = new RedisDelayQueue(lanes, durability);
    this.clock = clock;
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
    return connect(vertx, options, lanes, timeoutMs, clock, inboxCap, defaultTtlSeconds, RedisDurability.MEMORY);
  }

  /**
   * As {@link #connect(Vertx, RedisOptions, int, long, Clock, int, long)}, answering accepts and schedules only once
   * they are as durable as {@code durability} asks (the caller checks Redis's settings against it: {@link #persistence}).
   */
  public static Future<RedisStore> connect(Vertx vertx, RedisOptions options, int lanes, long timeoutMs,
                                           Clock clock, int inboxCap, long defaultTtlSeconds, RedisDurability durability) {
    if (inboxCap < 1) throw new IllegalArgumentException("inboxCap must be at least 1, got " + inboxCap);
    if (defaultTtlSeconds < 1) throw new IllegalArgumentException("defaultTtlSeconds must be at least 1, got " + defaultTtlSeconds);
    RedisOptions opts = new RedisOptions(options);
    // Each lane holds one pooled connection per endpoint for good; leave room for a reconnect.
    opts.setMaxPoolSize(Math.max(opts.getMaxPoolSize(), lanes + 2));
    opts.setMaxWaitingHandlers(Math.max(opts.getMaxWaitingHandlers(), 32_768));
    String target = String.join(",", opts.getEndpoints()) + " (" + opts.getType().name().toLowerCase() + ")";
    RedisLanes l = new RedisLanes(vertx, Redis.createClient(vertx, opts), target,
        opts.getType() == RedisClientType.CLUSTER, lanes, timeoutMs);
    RedisStore store = new RedisStore(l, durability, clock, inboxCap, defaultTtlSeconds);
    return l.ping()
        .compose(v -> store.loadScripts())
        .map(v -> store)
        .recover(e -> l.close().transform(ignored -> Future.failedFuture(e)));
  }

  /** SCRIPT LOAD of every script, checking the server computes the same sha (a cluster loads lazily by EVAL too). */
  private Future<Void> loadScripts() {
    List<LuaScript> all = List.of(RedisInbox.INBOX, ACK, RedisDelayQueue.SCHEDULE, RedisDelayQueue.CLAIM, RedisDelayQueue.COMPLETE, ROUTES_CLEANUP, ROUTES_REMOVE);
    return lanes.sendAll(all.stream().map(LuaScript::loadRequest).toList()).map(shas -> {
      for (int i = 0; i < all.size(); i++) {
        if (!all.get(i).sha().equals(shas.get(i).toString())) {
          throw new IllegalStateException("Redis returned an unexpected sha for " + all.get(i).name());
        }
      }
      return null;
    });
  }

  /**
   * Redis's persistence and replication as it reports them ({@code CONFIG GET appendonly}, {@code appendfsync},
   * {@code INFO replication}); a Redis that refuses CONFIG (renamed, or an ACL) gives nulls for those two. Never fails.
   */
  public Future<RedisPersistence> persistence() {
    Future<String> appendonly = configValue("appendonly");
    Future<String> appendfsync = configValue("appendfsync");
    // A Redis that refuses INFO too (an ACL) reports role unknown and no replicas: memory still starts on it.
    Future<String> info = lanes.send(Request.cmd(Command.INFO).arg("replication")).map(Response::toString).otherwise("");
    return Future.all(appendonly, appendfsync, info)
        .map(v -> RedisPersistence.of(appendonly.result(), appendfsync.result(), info.result()));
  }

  private Future<String> configValue(String name) {
    return lanes.send(Request.cmd(Command.CONFIG).arg("GET").arg(name))
        .map(r -> {
          // RESP2: [name, value]; RESP3: {name: value}
          if (r.size() == 0) return null;
          Response v = r.containsKey(name) ? r.get(name) : r.get(1);
          return v == null ? null : v.toString();
        })
        .otherwise((String) null);
  }

  /** The durability accepts are answered at. */
  public RedisDurability durability() {
    return durability;
  }

  /** Checks Redis answers on every held connection. */
  public Future<Void> ping() {
    return lanes.ping();
  }

  // --- inbox ---

  @Override
  public Future<Accepted> accept(NewMessage message) {
    return inbox.accept(message);
  }

  @Override
  public Future<List<Accepted>> acceptAll(List<NewMessage> messages) {
    return inbox.acceptAll(messages);
  }

  @Override
  public Future<InboxPage> read(String user, long afterSeq, int limit, long maxBytes) {
    return inbox.read(user, afterSeq, limit, maxBytes, call -> RedisInbox.INBOX.run(lanes, call));
  }

  /** The reads, acks and route changes of one event loop's callers, batched ({@link RedisLoopStore}). */
  @Override
  public Store onLoop(Context context) {
    return new RedisLoopStore(this, context);
  }

  @Override
  public Future<Long> lastSeq(String user) {
    return lanes.send(Request.cmd(Command.HGET).arg(RedisKeys.meta(user)).arg("seq")).map(RedisStore::longOrZero);
  }

  @Override
  public Future<Long> cursor(String user, String clientId) {
    // Never past the last seq: ack.lua clamps what it stores, and this clamps what an older node stored.
    return lanes.sendAll(List.of(Request.cmd(Command.ZSCORE).arg(RedisKeys.cursors(user)).arg(clientId),
            Request.cmd(Command.HGET).arg(RedisKeys.meta(user)).arg("seq")))
        .map(r -> Math.min(longOrZero(r.get(0)), longOrZero(r.get(1))));
  }

  @Override
  public Future<Void> ack(String user, String clientId, long seq) {
    return ack(lanes, user, clientId, seq);
  }

  /** One cursor write through {@code via} (the caller's lane, or a loop view's own). */
  static Future<Void> ack(RedisCommands via, String user, String clientId, long seq) {
    return ACK.run(via, new LuaScript.Call(List.of(RedisKeys.cursors(user), RedisKeys.meta(user)),
        List.of(Long.toString(META_KEEP_SECONDS), clientId, Long.toString(seq)))).mapEmpty();
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
    return lanes.sendAll(routeWrites(routes, ttlMs)).mapEmpty();
  }

  /** The commands that write {@code routes}: per user one HSET of its entries and the key's real expiry. */
  List<Request> routeWrites(Collection<Route> routes, long ttlMs) {
    long expiresAt = clock.nowMs() + ttlMs;
    List<Request> requests = new ArrayList<>();
    byUser(routes).forEach((user, rs) -> {
      Request hset = Request.cmd(Command.HSET).arg(RedisKeys.routes(user));
      for (Route r : rs) hset.arg(RedisCodec.routeField(r)).arg(RedisCodec.route(r, expiresAt));
      requests.add(hset);
      requests.add(Request.cmd(Command.PEXPIRE).arg(RedisKeys.routes(user)).arg(ttlMs + ROUTE_KEEP_MARGIN_MS));
    });
    return requests;
  }

  @Override
  public Future<Void> removeRoutes(Collection<Route> routes) {
    return removeRoutes(lanes, routes);
  }

  /** The removals through {@code via}, one call per user: a cluster call must stay in one slot. */
  static Future<Void> removeRoutes(RedisCommands via, Collection<Route> routes) {
    List<Future<Response>> calls = new ArrayList<>();
    byUser(routes).forEach((user, rs) -> {
      List<String> keys = new ArrayList<>(rs.size());
      List<String> args = new ArrayList<>(2 * rs.size());
      for (Route r : rs) addRemoval(r, keys, args);
      calls.add(ROUTES_REMOVE.run(via, new LuaScript.Call(keys, args)));
    });
    return Future.all(calls).mapEmpty();
  }

  /** routes_remove.lua's arguments for one entry: its key, field and since (only that connection's entry goes). */
  static void addRemoval(Route r, List<String> keys, List<String> args) {
    keys.add(RedisKeys.routes(r.user()));
    args.add(RedisCodec.routeField(r));
    args.add(Long.toString(r.since()));
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
    return inbox.droppedByCap.sum();
  }

  @Override
  public long expired() {
    return inbox.expired.sum();
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
