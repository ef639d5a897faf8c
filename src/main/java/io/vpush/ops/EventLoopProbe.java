package io.vpush.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vpush.vertx.VertxInternals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures event-loop delay: on every event loop of the Vert.x instance, a task scheduled {@code intervalMs}
 * ahead records how late it actually ran ({@code vpush_event_loop_delay}). A loop busy with a long task or a
 * flood of small ones runs it late; an idle loop runs it on time.
 *
 * <p>Why Netty's executors and not one Vert.x timer per verticle: verticles land on event loops round robin,
 * so no deployment is guaranteed to cover every loop; the loop group itself is (Vert.x's integrator API).
 */
public final class EventLoopProbe {

  private final List<EventExecutor> loops = new ArrayList<>();
  private final List<ScheduledFuture<?>> pending = new ArrayList<>();
  private final Timer delay;
  private final long intervalNanos;
  private volatile boolean stopped;

  public EventLoopProbe(Vertx vertx, MeterRegistry registry, long intervalMs) {
    for (EventExecutor e : VertxInternals.eventLoops(vertx)) loops.add(e);
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    this.delay = Timer.builder("vpush_event_loop_delay")
        .description("how late a task scheduled on an event loop ran (all event loops)")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1000), Duration.ofMillis(5000))
        .register(registry);
  }

  public void start() {
    for (EventExecutor loop : loops) schedule(loop);
  }

  public synchronized void stop() {
    stopped = true;
    for (ScheduledFuture<?> f : pending) f.cancel(false);
    pending.clear();
  }

  private void schedule(EventExecutor loop) {
    if (stopped) return;
    long due = System.nanoTime() + intervalNanos;
    ScheduledFuture<?> f = loop.schedule(() -> {
      delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
      schedule(loop);
    }, intervalNanos, TimeUnit.NANOSECONDS);
    synchronized (this) {
      // Keep only live futures: the list stays one entry per loop.
      pending.removeIf(java.util.concurrent.Future::isDone);
      pending.add(f);
    }
  }
}
