package io.vpush.batch;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vpush.vertx.VertxInternals;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One instance per Vert.x event loop, each made with a context of its own on that loop, for a node-level service
 * that callers on any loop use (a {@link Batcher} per loop): a caller on a loop uses that loop's instance, without a
 * lock and without a hop; a caller on no loop hops to the first loop's.
 */
public final class PerLoop<T> {

  private final Map<EventLoop, Slot<T>> slots;
  private final Slot<T> first;

  public PerLoop(Vertx vertx, Function<Context, T> create) {
    Map<EventLoop, Slot<T>> m = new HashMap<>();
    Slot<T> head = null;
    for (EventExecutor e : VertxInternals.eventLoops(vertx)) {
      EventLoop loop = (EventLoop) e;
      Context context = VertxInternals.contextOn(vertx, loop);
      Slot<T> slot = new Slot<>(context, create.apply(context));
      m.put(loop, slot);
      if (head == null) head = slot;
    }
    this.slots = Map.copyOf(m);
    this.first = head;
  }

  /** Runs {@code action} with the caller's loop's instance, on that loop. */
  public <R> Future<R> with(Function<T, Future<R>> action) {
    Context caller = Vertx.currentContext();
    if (caller != null && caller.isEventLoopContext()) {
      Slot<T> slot = slots.get(VertxInternals.eventLoop(caller));
      if (slot != null) return action.apply(slot.instance);
    }
    io.vertx.core.Promise<R> done = io.vertx.core.Promise.promise();
    first.context.runOnContext(v -> action.apply(first.instance).onComplete(done));
    return done.future();
  }

  private record Slot<T>(Context context, T instance) {}
}
