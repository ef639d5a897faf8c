package io.vpush.client.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

/**
 * What goes wrong while the stream runs, each at a share of the stream: at 15% access node n0 is SIGKILLed (and
 * started again), at 40% access node n1 gets SIGTERM (and is not started again), at 65% Redis is paused for 3 s; from
 * start to end of the stream, one random client connection is cut through the proxies every 250 ms. Every step is
 * logged with the time it happened.
 */
final class ChaosTimeline {
  private final ChaosCluster cluster;
  private final DoubleSupplier progress;
  private final Random random = new Random(23);
  private final List<String> log = new ArrayList<>();
  private final long start = System.nanoTime();
  private volatile boolean streaming = true;
  private int cuts;

  ChaosTimeline(ChaosCluster cluster, DoubleSupplier progress) {
    this.cluster = cluster;
    this.progress = progress;
  }

  /** Runs the steps on threads of their own; the future completes when every step is done. */
  CompletableFuture<Void> start() {
    CompletableFuture<Void> steps = CompletableFuture.runAsync(() -> {
      awaitProgress(0.15);
      cluster.kill(0);
      note("n0 SIGKILLed");
      cluster.restart(0);
      note("n0 ready again");
      awaitProgress(0.40);
      note("n1 SIGTERM");
      int code = cluster.terminate(1);
      note("n1 exited with " + code);
      awaitProgress(0.65);
      cluster.redis.pause();
      note("Redis paused");
      pause(Duration.ofSeconds(3)); // the outage itself: 3 s
      cluster.redis.resume();
      note("Redis resumed");
    }, r -> new Thread(r, "chaos-steps").start());
    CompletableFuture<Void> cutter = CompletableFuture.runAsync(() -> {
      while (streaming) {
        pause(Duration.ofMillis(250)); // the cutting rate
        if (cluster.cutOne(random)) cuts++;
      }
      note(cuts + " client connections cut");
    }, r -> new Thread(r, "chaos-cutter").start());
    return CompletableFuture.allOf(steps, cutter);
  }

  /** The stream is over: the cutter stops. */
  void streamDone() {
    streaming = false;
  }

  synchronized List<String> log() {
    return List.copyOf(log);
  }

  private synchronized void note(String what) {
    String line = String.format("%6d ms  %4.0f%%  %s", (System.nanoTime() - start) / 1_000_000, progress.getAsDouble() * 100, what);
    log.add(line);
    System.out.println("chaos: " + line);
  }

  // Polls the stream's own counter (a number, not an event to await), at a pace well below a step's length.
  private void awaitProgress(double share) {
    while (progress.getAsDouble() < share && streaming) pause(Duration.ofMillis(20));
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
