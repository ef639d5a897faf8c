package io.vpush.time;

import io.vertx.core.Context;

/**
 * What makes a shard's time pass: a periodic task on the shard's event loop (its timing wheel's tick, its route
 * refresh). A node uses Vert.x timers ({@link #timers}); a test runs the tasks itself on a manual clock, so
 * timers are tested without sleeping.
 */
public interface WheelDriver {

  /** Runs {@code task} every {@code periodMs} on {@code context}'s event loop until the returned handle is closed. */
  AutoCloseable every(Context context, long periodMs, Runnable task);

  /** Vert.x periodic timers, set on the shard's context. */
  static WheelDriver timers() {
    return (context, periodMs, task) -> {
      long[] id = new long[1];
      context.runOnContext(v -> id[0] = context.owner().setPeriodic(periodMs, t -> task.run()));
      return () -> context.runOnContext(v -> context.owner().cancelTimer(id[0]));
    };
  }
}
