package io.vpush.store.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;

/**
 * The route table writes and removals of one event loop within a short window ({@link #WINDOW_MS}), sent together:
 * the writes as one pipelined batch, the removals as one {@code routes_remove.lua} call (standalone Redis). Every
 * register wrote its route and every close removed one, each its own round trip: in a reconnect of 10,000 clients those
 * were half of the node's Redis calls. Each caller's future completes when its part is answered.
 *
 * <p>Writes and removals may reach Redis in any order, here and across event loops: a removal only deletes the entry
 * its own connection wrote (same since), so a close that lands after the same client's reconnect keeps the new route.
 */
final class RouteBatcher {

  /** Commands, or removals, per batch. */
  static final int MAX_PER_BATCH = 512;
  /**
   * How long the first change of a batch waits for others; a route entry written 2 ms later changes nothing, except to
   * a register's catch-up read, which therefore sends the writes first ({@link #flushWrites()}, from RedisStore.read).
   */
  static final long WINDOW_MS = 2;

  private final Context context;
  private final RedisLanes lanes;
  private final LuaScript remove;
  private List<Request> writes = new ArrayList<>();
  private List<Promise<Void>> writers = new ArrayList<>();
  private List<String> removeKeys = new ArrayList<>();
  private List<String> removeArgs = new ArrayList<>();
  private List<Promise<Void>> removers = new ArrayList<>();

  RouteBatcher(Context context, RedisLanes lanes, LuaScript remove) {
    this.context = context;
    this.lanes = lanes;
    this.remove = remove;
  }

  /** Queues one caller's write commands, kept together and in order; on the batcher's context only. */
  Future<Void> write(List<Request> commands) {
    startWindow();
    writes.addAll(commands);
    Promise<Void> done = Promise.promise();
    writers.add(done);
    if (writes.size() >= MAX_PER_BATCH) flush();
    return done.future();
  }

  /** Queues one caller's removals: per entry its routes key, field and since; on the batcher's context only. */
  Future<Void> remove(List<String> keys, List<String> fieldsAndSinces) {
    startWindow();
    removeKeys.addAll(keys);
    removeArgs.addAll(fieldsAndSinces);
    Promise<Void> done = Promise.promise();
    removers.add(done);
    if (removeKeys.size() >= MAX_PER_BATCH) flush();
    return done.future();
  }

  private void startWindow() {
    // A window whose writes a read already sent may still have its timer out: a second timer then only sends early.
    if (writers.isEmpty() && removers.isEmpty()) context.owner().setTimer(WINDOW_MS, id -> flush());
  }

  /** Sends everything queued now; on the batcher's context only. */
  private void flush() {
    flushWrites();
    if (removers.isEmpty()) return;
    List<Promise<Void>> answered = removers;
    LuaScript.Call call = new LuaScript.Call(removeKeys, removeArgs);
    removeKeys = new ArrayList<>();
    removeArgs = new ArrayList<>();
    removers = new ArrayList<>();
    remove.run(lanes, call).onComplete(ar -> AckBatcher.answerAll(answered, ar));
  }

  /**
   * Sends the queued writes now (a read that must reach Redis after them calls this first); removals keep waiting for
   * the window, since their order does not matter. On the batcher's context only.
   */
  void flushWrites() {
    if (writers.isEmpty()) return;
    List<Promise<Void>> answered = writers;
    List<Request> sent = writes;
    writes = new ArrayList<>();
    writers = new ArrayList<>();
    lanes.sendAll(sent).onComplete(ar -> AckBatcher.answerAll(answered, ar));
  }
}
