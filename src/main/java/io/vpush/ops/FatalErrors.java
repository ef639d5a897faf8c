package io.vpush.ops;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.function.IntConsumer;

/**
 * Ends the process on an {@link OutOfMemoryError} that reaches a thread's or Vert.x's last handler: after one, event-loop
 * threads may be dead and others half done, and a node that goes on looking healthy is worse than one that restarts.
 * The JVM flag {@code -XX:+ExitOnOutOfMemoryError} does this for every OOM, caught or not, and the scripts set it;
 * this covers a plain {@code java -jar} (a manifest cannot set JVM flags) for the errors that nothing caught.
 */
public final class FatalErrors {

  /** The exit status after an OutOfMemoryError (the JVM's own flag exits with 3 too). */
  public static final int OOM_EXIT_STATUS = 3;
  private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

  private final IntConsumer halt;

  /** @param halt ends the process with a status ({@code Runtime.getRuntime()::halt} in production; a test's recorder) */
  public FatalErrors(IntConsumer halt) {
    this.halt = halt;
  }

  /** The production instance: halts, without running shutdown hooks that would need the memory that ran out. */
  public static FatalErrors halting() {
    return new FatalErrors(status -> Runtime.getRuntime().halt(status));
  }

  /** Becomes the default handler of uncaught exceptions, keeping the one before it for everything that is not fatal. */
  public void installUncaughtHandler() {
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
      if (!handle(error, thread.getName()) && before != null) before.uncaughtException(thread, error);
      else if (before == null) LOG.error("uncaught exception in thread {}", thread.getName(), error);
    });
  }

  /** Also watches what Vert.x's handlers throw (Vert.x reports those to its exception handler instead of the thread's). */
  public void watch(Vertx vertx) {
    vertx.exceptionHandler(error -> {
      if (!handle(error, Thread.currentThread().getName())) LOG.error("unhandled exception in a Vert.x handler", error);
    });
  }

  /** @return whether the error was fatal (and the process told to end) */
  boolean handle(Throwable error, String where) {
    if (!isFatal(error)) return false;
    // Printing may itself fail for lack of memory: the halt must not depend on it.
    try {
      System.err.println("vpush: OutOfMemoryError in " + where + "; exiting with status " + OOM_EXIT_STATUS
          + " (run with -XX:+ExitOnOutOfMemoryError, and size the heap: docs/operations.md)");
    } catch (Throwable ignored) {
      // nothing more to do
    }
    halt.accept(OOM_EXIT_STATUS);
    return true;
  }

  /** An OutOfMemoryError, or one wrapped as the cause of another exception by a library on the way up. */
  static boolean isFatal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError) return true;
    }
    return false;
  }

  /** Whether this JVM was started with {@code -XX:+ExitOnOutOfMemoryError} (or CrashOnOutOfMemoryError). */
  public static boolean jvmExitsOnOom() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .anyMatch(a -> a.equals("-XX:+ExitOnOutOfMemoryError") || a.equals("-XX:+CrashOnOutOfMemoryError"));
  }
}
