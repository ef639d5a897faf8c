package io.vpush.store.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vpush.batch.BatchLimits;
import io.vpush.batch.Batcher;
import io.vpush.store.Accepted;
import io.vpush.store.InboxPage;
import io.vpush.store.NewMessage;
import io.vpush.store.Route;
import io.vpush.store.ScheduledMessage;
import io.vpush.store.Store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The Redis store as seen by the callers on one event loop (a shard's sessions): everything goes on one lane of that
 * loop, so calls reach Redis in the order they were made, and, on standalone Redis, the loop's acks, route writes,
 * route removals and inbox reads are batched, each by its own {@link Batcher}:
 * <ul>
 *   <li>acks within {@link #ACK_WINDOW_MS}, one {@code ack.lua} call for up to {@link #ACKS_PER_CALL}: every client
 *       ack was its own EVALSHA, half of the Redis requests of a delivery;</li>
 *   <li>route writes and removals within {@link #ROUTE_WINDOW_MS}, one pipelined write / one {@code routes_remove.lua}
 *       call: in a reconnect of 10,000 clients those were half of the node's Redis calls;</li>
 *   <li>reads of one turn in one pipelined write, bounded by the sum of their byte budgets ({@link #READ_BATCH_BYTES}),
 *       since the client holds every reply of a pipelined batch until its last one came; a read does not wait for a
 *       timer, because a register's first page carries its {@code registered} answer.</li>
 * </ul>
 * A {@link #join} sends the queued route writes at once and then queues its read, on the same lane: the read reaches
 * Redis after the write. In a Redis Cluster nothing is batched (a batch must stay in one slot); the lane keeps the order.
 */
final class RedisLoopStore implements Store {

  /** Acks per script call: Redis runs nothing else while a script runs (one or two commands per ack). */
  static final int ACKS_PER_CALL = 256;
  /**
   * How long the first ack of a call waits for others. Gathering per event-loop turn gave 3 acks per call at 15k
   * unicast messages/s (a third of Redis's script calls); a cursor stored 2 ms later changes nothing for a client.
   */
  static final long ACK_WINDOW_MS = 2;
  /** Route commands, or removals, per batch. */
  static final int ROUTES_PER_BATCH = 512;
  /** How long the first route change of a batch waits for others; an entry written 2 ms later changes nothing. */
  static final long ROUTE_WINDOW_MS = 2;
  /** Reads per pipelined write; Redis runs each as its own script call, so this only bounds the write's size. */
  static final int READS_PER_BATCH = 256;
  /** The byte budgets one batch of reads may sum to; a read over it leaves in a batch of its own. */
  static final long READ_BATCH_BYTES = 8L << 20;

  private final RedisStore store;
  private final RedisCommands lane;
  private final Batcher<Ack, Void> acks;
  private final Batcher<List<Request>, Void> routeWrites;
  private final Batcher<Route, Void> routeRemovals;
  private final Batcher<LuaScript.Call, Response> reads;

  RedisLoopStore(RedisStore store, Context context) {
    this.store = store;
    this.lane = store.lanes.pinned(context);
    this.acks = new Batcher<>(context, BatchLimits.window(ACK_WINDOW_MS, ACKS_PER_CALL), this::sendAcks);
    this.routeWrites = new Batcher<>(context, BatchLimits.window(ROUTE_WINDOW_MS, Integer.MAX_VALUE).maxWeight(ROUTES_PER_BATCH),
        (writes, answers) -> answers.all(lane.sendAll(writes.stream().flatMap(List::stream).toList())));
    this.routeRemovals = new Batcher<>(context, BatchLimits.window(ROUTE_WINDOW_MS, ROUTES_PER_BATCH), this::sendRemovals);
    this.reads = new Batcher<>(context, BatchLimits.perTurn(READS_PER_BATCH).maxWeight(READ_BATCH_BYTES), this::sendReads);
  }

  private boolean batching() {
    return !lane.cluster();
  }

  // --- reads ---

  @Override
  public Future<InboxPage> read(String user, long afterSeq, int limit, long maxBytes) {
    if (!batching()) return store.inbox.read(user, afterSeq, limit, maxBytes, call -> RedisInbox.INBOX.run(lane, call));
    return store.inbox.read(user, afterSeq, limit, maxBytes, call -> reads.add(call, Math.min(maxBytes, READ_BATCH_BYTES)));
  }

  @Override
  public Future<InboxPage> join(Route route, long ttlMs, long afterSeq, int limit, long maxBytes) {
    putRoutes(List.of(route), ttlMs);
    routeWrites.flush();
    return read(route.user(), afterSeq, limit, maxBytes);
  }

  private void sendReads(List<LuaScript.Call> calls, Batcher.Answers<Response> answers) {
    RedisInbox.INBOX.runAll(lane, calls).onComplete(ar -> {
      if (ar.succeeded()) {
        for (int i = 0; i < answers.size(); i++) answers.complete(i, ar.result().get(i));
      } else if (answers.size() == 1 || !LuaScript.isErrorReply(ar.cause())) {
        // Unreachable or timed out: each read would fail alike, and asking again would only add to Redis's load.
        for (int i = 0; i < answers.size(); i++) answers.fail(i, ar.cause());
      } else {
        // An error reply fails the whole pipelined batch in the client: one user's broken keys must not fail the other
        // reads, so each goes again on its own (a read only trims what has expired, so running it twice is harmless).
        for (int i = 0; i < answers.size(); i++) {
          int index = i;
          RedisInbox.INBOX.run(lane, calls.get(i)).onComplete(each -> answers.answer(index, each));
        }
      }
    });
  }

  // --- acks ---

  private record Ack(String cursorsKey, String metaKey, String clientId, long seq) {}

  @Override
  public Future<Void> ack(String user, String clientId, long seq) {
    if (!batching()) return RedisStore.ack(lane, user, clientId, seq);
    return acks.add(new Ack(RedisKeys.cursors(user), RedisKeys.meta(user), clientId, seq));
  }

  private void sendAcks(List<Ack> batch, Batcher.Answers<Void> answers) {
    List<String> keys = new ArrayList<>(2 * batch.size());
    List<String> args = new ArrayList<>(1 + 2 * batch.size());
    args.add(Long.toString(RedisStore.META_KEEP_SECONDS));
    for (Ack a : batch) {
      keys.add(a.cursorsKey());
      keys.add(a.metaKey()); // ack.lua clamps the cursor to the user's last seq
      args.add(a.clientId());
      args.add(Long.toString(a.seq()));
    }
    answers.all(RedisStore.ACK.run(lane, new LuaScript.Call(keys, args)));
  }

  // --- routes ---

  @Override
  public Future<Void> putRoutes(Collection<Route> routes, long ttlMs) {
    List<Request> writes = store.routeWrites(routes, ttlMs);
    if (!batching()) return lane.sendAll(writes).mapEmpty();
    return routeWrites.add(writes, writes.size());
  }

  /**
   * Removals may reach Redis before or after other writes: a removal only deletes the entry its own connection wrote
   * (same since), so a close that lands after the same client's reconnect keeps the new route.
   */
  @Override
  public Future<Void> removeRoutes(Collection<Route> routes) {
    if (!batching()) return RedisStore.removeRoutes(lane, routes);
    List<Future<Void>> removed = new ArrayList<>(routes.size());
    for (Route r : routes) removed.add(routeRemovals.add(r));
    return removed.size() == 1 ? removed.get(0) : Future.all(removed).mapEmpty();
  }

  private void sendRemovals(List<Route> routes, Batcher.Answers<Void> answers) {
    List<String> keys = new ArrayList<>(routes.size());
    List<String> args = new ArrayList<>(2 * routes.size());
    for (Route r : routes) RedisStore.addRemoval(r, keys, args);
    answers.all(RedisStore.ROUTES_REMOVE.run(lane, new LuaScript.Call(keys, args)));
  }

  // --- the rest, as the store does it ---

  @Override public Future<Accepted> accept(NewMessage message) { return store.accept(message); }
  @Override public Future<List<Accepted>> acceptAll(List<NewMessage> messages) { return store.acceptAll(messages); }
  @Override public Future<Long> lastSeq(String user) { return store.lastSeq(user); }
  @Override public Future<Long> cursor(String user, String clientId) { return store.cursor(user, clientId); }
  @Override public Future<Void> schedule(ScheduledMessage message) { return store.schedule(message); }
  @Override public Future<List<ScheduledMessage>> claimDue(long now, int max, long leaseMs) { return store.claimDue(now, max, leaseMs); }
  @Override public Future<Void> completeScheduled(Collection<ScheduledMessage> done) { return store.completeScheduled(done); }
  @Override public Future<List<Route>> routes(String user) { return store.routes(user); }

  /** A view owns no connection: closing it closes nothing. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
