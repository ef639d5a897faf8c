package io.vpush.store.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;

/**
 * The route table writes of one event loop within a short window ({@link #WINDOW_MS}), sent in order as one pipelined
 * batch (standalone Redis). Every register wrote its route and every close removed one, each its own round trip: in a
 * reconnect of 10,000 clients those were half of the node's Redis calls. Each caller's future completes when the
 * batch is answered.
 */
final class RouteBatcher {

  /** Commands per batch. */
  static final int MAX_PER_BATCH = 512;
  /**
   * How long the first write of a batch waits for others; a route entry written 2 ms later changes nothing, except to
   * a register's catch-up read, which therefore sends the batch first ({@link #flush()}, from RedisStore.read).
   */
  static final long WINDOW_MS = 2;

  private final Context context;
  private final RedisLanes lanes;
  private List<Request> requests = new ArrayList<>();
  private List<Promise<Void>> waiting = new ArrayList<>();

  RouteBatcher(Context context, RedisLanes lanes) {
    this.context = context;
    this.lanes = lanes;
  }

  /** Queues one caller's commands, kept together and in order; on the batcher's context only. */
  Future<Void> add(List<Request> commands) {
    if (waiting.isEmpty()) context.owner().setTimer(WINDOW_MS, id -> flush());
    requests.addAll(commands);
    Promise<Void> done = Promise.promise();
    waiting.add(done);
    if (requests.size() >= MAX_PER_BATCH) flush();
    return done.future();
  }

  /** Sends what is queued now (a read that must reach Redis after these writes calls it first); on the batcher's context only. */
  void flush() {
    if (waiting.isEmpty()) return;
    List<Promise<Void>> answered = waiting;
    List<Request> sent = requests;
    requests = new ArrayList<>();
    waiting = new ArrayList<>();
    lanes.sendAll(sent).onComplete(ar -> AckBatcher.answerAll(answered, ar));
  }
}
