package io.vpush.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Reads a child's stdout on a daemon thread (so it can never fill the pipe) and waits for a readiness line. */
public final class ProcessLines {
  private ProcessLines() {}

  /** The rest of the first stdout line that starts with {@code prefix}, or empty at the deadline or exit. */
  public static Optional<String> awaitPrefix(Process p, String prefix, long timeoutMs) throws InterruptedException {
    CompletableFuture<String> found = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (!found.isDone() && line.startsWith(prefix)) found.complete(line.substring(prefix.length()).trim());
        }
      } catch (IOException e) {
        // the process went away; the waiter times out or sees the exit
      }
      found.complete(null);
    }, "stdout-" + p.pid());
    t.setDaemon(true);
    t.start();
    try {
      return Optional.ofNullable(found.get(timeoutMs, TimeUnit.MILLISECONDS));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return Optional.empty();
    }
  }
}
