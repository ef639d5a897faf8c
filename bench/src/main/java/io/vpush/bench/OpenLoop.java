package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open-loop sender at a fixed offered rate: message i is due at start + i/rate whether or not earlier ones were
 * answered (no coordinated omission), and carries its due time so latency is measured from when it should have been
 * sent. Bounded by a count and a duration, it always stops by itself; messages beyond the in-flight cap are not sent
 * and are reported as {@code skipped}.
 */
final class OpenLoop {

  /** Sends message {@code index} due at {@code dueMicros} (epoch µs). */
  interface Send {
    Future<Void> send(long index, long dueMicros);
  }

  private final Vertx vertx;
  private final double rate;
  private final long maxCount;
  private final long durationMs;
  private final int maxInFlight;
  private final Send send;

  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private volatile String lastError;

  OpenLoop(Vertx vertx, double rate, long maxCount, long durationMs, int maxInFlight, Send send) {
    if (rate <= 0) throw new IllegalArgumentException("rate must be > 0");
    this.vertx = vertx;
    this.rate = rate;
    this.maxCount = maxCount;
    this.durationMs = durationMs;
    this.maxInFlight = maxInFlight;
    this.send = send;
  }

  /** Runs to the end (count or duration), then waits up to {@code drainMs} for answers still in flight. */
  Future<JsonObject> run(long drainMs) {
    Promise<JsonObject> done = Promise.promise();
    long startNanos = System.nanoTime();
    long startMicros = MicroClock.nowMicros();
    long[] next = {0};
    long[] skipped = {0};
    vertx.setPeriodic(1, 1, id -> {
      long elapsedNanos = System.nanoTime() - startNanos;
      boolean timeUp = elapsedNanos >= durationMs * 1_000_000L;
      long due = Math.min(maxCount, (long) Math.floor(Math.min(elapsedNanos, durationMs * 1_000_000L) / 1e9 * rate));
      while (next[0] < due) {
        long i = next[0]++;
        if (inFlight.get() >= maxInFlight) {
          skipped[0]++;
          continue;
        }
        inFlight.incrementAndGet();
        send.send(i, startMicros + (long) (i * 1e6 / rate)).onComplete(ar -> {
          inFlight.decrementAndGet();
          if (ar.succeeded()) ok.incrementAndGet();
          else { failed.incrementAndGet(); lastError = ar.cause().getMessage(); }
        });
      }
      if (timeUp || next[0] >= maxCount) {
        vertx.cancelTimer(id);
        double sendSeconds = (System.nanoTime() - startNanos) / 1e9;
        drain(System.currentTimeMillis() + drainMs).onComplete(v -> done.complete(new JsonObject()
            .put("offeredRate", rate).put("due", next[0]).put("sent", next[0] - skipped[0]).put("accepted", ok.get())
            .put("failed", failed.get()).put("skipped", skipped[0]).put("unanswered", inFlight.get())
            .put("sendSeconds", sendSeconds).put("lastError", lastError)));
      }
    });
    return done.future();
  }

  private Future<Void> drain(long deadline) {
    Promise<Void> p = Promise.promise();
    vertx.setPeriodic(1, 10, id -> {
      if (inFlight.get() == 0 || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(id);
        p.complete();
      }
    });
    return p.future();
  }
}
