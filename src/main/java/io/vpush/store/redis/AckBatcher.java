package io.vpush.store.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

/**
 * The ack cursor writes of one event loop within a short window ({@link #WINDOW_MS}), sent as one script call
 * (standalone Redis). Every client ack was its own EVALSHA, half of the Redis requests of a delivery; a multicast to
 * 10,000 users brings 10,000 acks back within a few turns, and they now leave as a few calls. Each caller's future
 * completes when its call is answered.
 */
final class AckBatcher {

  /** Acks per script call: Redis runs nothing else while a script runs (one or two commands per ack). */
  static final int MAX_PER_CALL = 256;
  /**
   * How long the first ack of a call waits for others. Gathering per event-loop turn gave 3 acks per call at 15k
   * unicast messages/s (a third of Redis's script calls); a cursor stored 2 ms later changes nothing for a client.
   */
  static final long WINDOW_MS = 2;

  private final Context context;
  private final LuaScript script;
  private final RedisLanes lanes;
  private final String keepSeconds;
  private List<String> keys = new ArrayList<>();
  private List<String> args = new ArrayList<>();
  private List<Promise<Void>> waiting = new ArrayList<>();

  AckBatcher(Context context, LuaScript script, RedisLanes lanes, long keepSeconds) {
    this.context = context;
    this.script = script;
    this.lanes = lanes;
    this.keepSeconds = Long.toString(keepSeconds);
  }

  /** Queues one cursor write; on the batcher's context only. */
  Future<Void> ack(String cursorsKey, String metaKey, String clientId, long seq) {
    if (waiting.isEmpty()) context.owner().setTimer(WINDOW_MS, id -> flush());
    if (args.isEmpty()) args.add(keepSeconds);
    keys.add(cursorsKey);
    keys.add(metaKey);  // ack.lua clamps the cursor to the user's last seq
    args.add(clientId);
    args.add(Long.toString(seq));
    Promise<Void> done = Promise.promise();
    waiting.add(done);
    if (waiting.size() >= MAX_PER_CALL) flush();
    return done.future();
  }

  private void flush() {
    if (waiting.isEmpty()) return;
    List<Promise<Void>> answered = waiting;
    LuaScript.Call call = new LuaScript.Call(keys, args);
    keys = new ArrayList<>();
    args = new ArrayList<>();
    waiting = new ArrayList<>();
    script.run(lanes, call).onComplete(ar -> answerAll(answered, ar));
  }

  /** Completes every waiting caller of a batch with the batch's outcome. */
  static void answerAll(List<Promise<Void>> waiting, AsyncResult<?> ar) {
    for (Promise<Void> p : waiting) {
      if (ar.succeeded()) p.complete();
      else p.fail(ar.cause());
    }
  }
}
