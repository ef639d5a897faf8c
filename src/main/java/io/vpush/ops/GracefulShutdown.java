package io.vpush.ops;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs the node's graceful stop on SIGTERM and SIGINT, then exits 0 (1 if it did not finish within the
 * timeout: the process exits within {@code shutdown.timeoutMs} whatever happens).
 *
 * <p>Why a signal handler and not only a shutdown hook: a JVM that ends by a signal through its hooks exits
 * with 128+signal (143 for SIGTERM), which process supervisors read as a failure. The hook stays for other
 * ways out ({@code System.exit} elsewhere) and does nothing once the signal path has run.
 */
public final class GracefulShutdown {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

  private final List<Supplier<Future<?>>> steps;
  private final long timeoutMs;
  private final AtomicBoolean started = new AtomicBoolean();

  private GracefulShutdown(List<Supplier<Future<?>>> steps, long timeoutMs) {
    this.steps = steps;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Installs the signal handlers and the shutdown hook. The steps (e.g. the node's close, then Vert.x's) run
   * once, one after the other, each started from the shutdown thread, never from an event loop: a future made
   * on an event loop would report on it, and the last step (closing Vert.x) terminates the event loops.
   */
  public static void install(List<Supplier<Future<?>>> steps, long timeoutMs) {
    GracefulShutdown s = new GracefulShutdown(List.copyOf(steps), timeoutMs);
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), sig -> {
          // Threads made by the (daemon) signal dispatcher are daemons: this one must keep the JVM up until it exits.
          Thread t = new Thread(() -> s.onSignal(sig.getName()), "vpush-shutdown");
          t.setDaemon(false);
          t.start();
        });
      } catch (IllegalArgumentException e) {
        LOG.warn("cannot handle SIG{} ({}); the shutdown hook still stops the node", name, e.getMessage());
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> s.runStop("exit"), "vpush-shutdown-hook"));
  }

  private void onSignal(String signal) {
    boolean clean = runStop("SIG" + signal);
    System.exit(clean ? 0 : 1);
  }

  /** Runs the stop once and waits for it; true when it finished within the timeout (or had already run). */
  private boolean runStop(String cause) {
    if (!started.compareAndSet(false, true)) return true;
    LOG.info("vpush shutting down on {} (at most {} ms)", cause, timeoutMs);
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    for (Supplier<Future<?>> step : steps) {
      try {
        step.get().toCompletionStage().toCompletableFuture().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        LOG.warn("shutdown did not finish within {} ms; exiting", timeoutMs);
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | RuntimeException e) {
        // A failed step (a store that cannot flush) does not stop the next one.
        LOG.warn("shutdown step failed: {}", (e instanceof ExecutionException ? e.getCause() : e).toString());
      }
    }
    LOG.info("vpush stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return true;
  }
}
