package io.vpush.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the process fixtures: this JVM's java binary, programs on the PATH, a stop that always ends. */
public final class Processes {
  private Processes() {}

  /** The {@code java} of the running JVM, so a child runs on the same Java as its parent. */
  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The absolute path of {@code program} on the PATH, or a clear failure. Nothing here installs anything:
   * {@code scripts/test.sh} installs the test services (apt-get install -y redis-server ...).
   */
  public static String findOnPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, program);
      if (Files.isExecutable(p)) return p.toString();
    }
    throw new IllegalStateException(program + " is not installed (not on the PATH). Run scripts/test.sh, which "
        + "installs the test services (apt-get install -y redis-server), or install it yourself.");
  }

  /**
   * Asks {@code p} to stop (SIGTERM), waits up to {@code grace}, then kills it (SIGKILL) and waits for that too.
   * Never fails: it is for cleanup, where the process must be gone whatever state it is in.
   */
  public static void stop(Process p, Duration grace) {
    if (!p.isAlive()) return;
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) p.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }
}
