package io.vpush.ops;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
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

  private final Supplier<Future<Void>> stop;
  private final long timeoutMs;
  private final AtomicBoolean started = new AtomicBoolean();

  private GracefulShutdown(Supplier<Future<Void>> stop, long timeoutMs) {
    this.stop = stop;
    this.timeoutMs = timeoutMs;
  }

  /** Installs the signal handlers and the shutdown hook; {@code stop} is called at most once. */
  public static void install(Supplier<Future<Void>> stop, long timeoutMs) {
    GracefulShutdown s = new GracefulShutdown(stop, timeoutMs);
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), sig -> new Thread(() -> s.onSignal(sig.getName()), "vpush-shutdown").start());
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
    CountDownLatch done = new CountDownLatch(1);
    Future<Void> stopped;
    try {
      stopped = stop.get();
    } catch (RuntimeException e) {
      LOG.error("shutdown failed to start", e);
      return false;
    }
    stopped.onComplete(ar -> {
      if (ar.failed()) LOG.warn("shutdown finished with an error: {}", ar.cause().toString());
      done.countDown();
    });
    try {
      if (!done.await(timeoutMs, TimeUnit.MILLISECONDS)) {
        LOG.warn("shutdown did not finish within {} ms; exiting", timeoutMs);
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    LOG.info("vpush stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return true;
  }
}
