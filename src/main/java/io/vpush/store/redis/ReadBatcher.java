package io.vpush.store.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The inbox reads of one event loop's turn, sent as one pipelined write (standalone Redis). In a reconnect of 10,000
 * clients every register's catch-up read was its own write to Redis, and its own read and reply there; the registers
 * that one turn handles now share them. Each caller's future completes with its own answer, on its own context.
 *
 * <p>Unlike acks and route writes, reads do not wait for a timer: a register's first page carries its {@code
 * registered} answer, so a read leaves at the end of the turn that asked for it.
 *
 * <p>A pipelined batch is answered only once its last reply has come, so until then the client holds every reply of
 * it: a batch is bounded by the byte budgets of its reads ({@link #MAX_BATCH_BYTES}), not just by their count. 256
 * unbudgeted reads of a large inbox once held gigabytes (issue 21).
 */
final class ReadBatcher {

  /** Reads per pipelined write; Redis runs each as its own script call, so this only bounds the write's size. */
  static final int MAX_PER_BATCH = 256;
  /** The byte budgets ({@code Store.read}'s maxBytes) one batch may sum to; a read over it leaves in a batch of its own. */
  static final long MAX_BATCH_BYTES = 8L << 20;

  private final Context context;
  private final RedisLanes lanes;
  private final LuaScript script;
  /** Runs before a batch leaves, on the batcher's context: the route writes a read must follow go first. */
  private final Runnable beforeSend;
  private List<LuaScript.Call> calls = new ArrayList<>();
  private List<Promise<Response>> waiting = new ArrayList<>();
  /** The sum of the byte budgets of the waiting reads. */
  private long batchBytes;

  ReadBatcher(Context context, RedisLanes lanes, LuaScript script, Runnable beforeSend) {
    this.context = context;
    this.lanes = lanes;
    this.script = script;
    this.beforeSend = beforeSend;
  }

  /**
   * Queues one read call; it leaves at the end of this turn. On the batcher's event loop only, from any of its contexts
   * (sessions have a context each, and share one batcher per loop).
   */
  Future<Response> read(LuaScript.Call call, long maxBytes) {
    long bytes = Math.min(maxBytes, MAX_BATCH_BYTES);
    if (!waiting.isEmpty() && batchBytes + bytes > MAX_BATCH_BYTES) flush();
    if (waiting.isEmpty()) context.runOnContext(v -> flush());
    batchBytes += bytes;
    calls.add(call);
    // Answered on the caller's own context, which is on this thread: no task per answer to hop back to it.
    Promise<Response> answer = ((ContextInternal) Vertx.currentContext()).promise();
    waiting.add(answer);
    if (waiting.size() >= MAX_PER_BATCH) flush();
    return answer.future();
  }

  private void flush() {
    if (waiting.isEmpty()) return;
    List<LuaScript.Call> sent = calls;
    List<Promise<Response>> answered = waiting;
    calls = new ArrayList<>();
    waiting = new ArrayList<>();
    batchBytes = 0;
    beforeSend.run();
    script.runAll(lanes, sent).onComplete(ar -> answer(sent, answered, ar));
  }

  private void answer(List<LuaScript.Call> sent, List<Promise<Response>> answered, AsyncResult<List<Response>> ar) {
    if (ar.succeeded()) {
      List<Response> replies = ar.result();
      for (int i = 0; i < answered.size(); i++) answered.get(i).complete(replies.get(i));
      return;
    }
    if (answered.size() == 1 || !LuaScript.isErrorReply(ar.cause())) {
      // Unreachable or timed out: each read would fail alike, and asking again would only add to Redis's load.
      for (Promise<Response> p : answered) p.fail(ar.cause());
      return;
    }
    // An error reply fails the whole pipelined batch in the client: one user's broken keys must not fail the other
    // reads, so each goes again on its own (a read only trims what has expired, so running it twice is harmless).
    for (int i = 0; i < answered.size(); i++) script.run(lanes, sent.get(i)).onComplete(answered.get(i));
  }
}
