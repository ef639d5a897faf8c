package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Clients held by this process: one {@link BenchClient} per user, spread over the source addresses. */
public final class LocalFleet implements Fleet {

  private final Vertx vertx;
  private final FleetConfig cfg;
  private final FleetCounters counters = new FleetCounters();
  private final LatencyRecorder latency = new LatencyRecorder();
  private final List<BenchClient> clients = new ArrayList<>();
  private final String[] tokenOf;
  private final WsDialer dialer;
  private final long cutTimer;
  private final long pingTimer;

  public LocalFleet(Vertx vertx, FleetConfig cfg) {
    this.vertx = vertx;
    this.cfg = cfg;
    Tokens tokens = new Tokens(vertx, cfg.jwtSecret());
    this.tokenOf = new String[cfg.count()];
    for (int i = 0; i < cfg.count(); i++) {
      int global = cfg.first() + i;
      clients.add(new BenchClient(cfg.user(global), "c" + global, counters, latency));
      // Minted here, on the caller's thread: the first HMAC loads crypto classes, which must not stall an event loop.
      tokenOf[i] = tokens.forUser(cfg.user(global));
    }
    this.dialer = new WsDialer(vertx, cfg.connectTimeoutMs());
    // Latency intervals are cut on wall-clock second boundaries so that several processes' timelines line up.
    long toNextSecond = 1_000 - System.currentTimeMillis() % 1_000 + 5;
    this.cutTimer = vertx.setPeriodic(toNextSecond, 1_000, id -> latency.cut(System.currentTimeMillis() / 1_000 - 1));
    long idleNanos = TimeUnit.MILLISECONDS.toNanos(cfg.pingMs());
    this.pingTimer = vertx.setPeriodic(Math.max(500, cfg.pingMs() / 2), id -> {
      long now = System.nanoTime();
      for (BenchClient c : clients) c.pingIfIdle(now, idleNanos);
    });
  }

  @Override
  public Future<JsonObject> connectAll() {
    long start = System.nanoTime();
    return forAll(cfg.connectConcurrency(), i -> connect(i, null))
        .map(failed -> new JsonObject().put("registered", clients.size() - failed).put("failed", failed)
            .put("durationMs", (System.nanoTime() - start) / 1e6));
  }

  @Override
  public FleetCounters.Snapshot counters() { return counters.snapshot(); }

  @Override
  public Future<Void> setAcking(boolean on) {
    clients.forEach(c -> c.setAcking(on));
    return Future.succeededFuture();
  }

  @Override
  public Future<JsonObject> reconnectAll(boolean expectReplay, long deadlineMs) {
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + deadlineMs;
    clients.forEach(c -> c.setAcking(true));
    return Future.join(clients.stream().map(BenchClient::close).toList())
        .transform(ignored -> {
          if (expectReplay) clients.forEach(BenchClient::expectReplay);
          return forAll(cfg.connectConcurrency(), i -> connect(i, clients.get(i).lastAcked()));
        })
        .compose(failed -> {
          double registeredMs = (System.nanoTime() - start) / 1e6;
          JsonObject r = new JsonObject().put("reconnected", clients.size() - failed).put("failed", failed)
              .put("registeredMs", registeredMs);
          if (!expectReplay) return Future.succeededFuture(r);
          return allCaughtUp(deadline).map(ok -> r.put("caughtUp", clients.stream().filter(BenchClient::caughtUp).count())
              .put("caughtUpMs", ok ? (System.nanoTime() - start) / 1e6 : null)
              .put("missing", clients.stream().mapToLong(BenchClient::missing).sum()));
        });
  }

  @Override
  public Future<String> latencySince(long fromSec) { return Future.succeededFuture(latency.since(fromSec)); }

  @Override
  public Future<Result> finish() {
    vertx.cancelTimer(cutTimer);
    vertx.cancelTimer(pingTimer);
    return Future.join(clients.stream().map(BenchClient::close).toList())
        .transform(v -> {
          latency.cutTail();
          return Future.succeededFuture(new Result(counters.snapshot(), latency));
        });
  }

  private Future<Void> connect(int i, Long lastSeq) {
    BenchClient c = clients.get(i);
    int global = cfg.first() + i;
    return c.connect(dialer, cfg.sourceAddress(global), cfg.host(), cfg.port(global), cfg.path(), tokenOf[i], lastSeq)
        .timeout(cfg.connectTimeoutMs(), TimeUnit.MILLISECONDS)
        .onSuccess(v -> counters.registered.increment());
  }

  /** Runs {@code op} for every client index with at most {@code concurrency} in flight; yields the failure count. */
  private Future<Integer> forAll(int concurrency, Function<Integer, Future<Void>> op) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int l = 0; l < Math.max(1, concurrency); l++) lanes.add(lane(next, failed, op));
    return Future.join(lanes).map(v -> failed.get());
  }

  private Future<Void> lane(AtomicInteger next, AtomicInteger failed, Function<Integer, Future<Void>> op) {
    int i = next.getAndIncrement();
    if (i >= clients.size()) return Future.succeededFuture();
    return op.apply(i)
        .recover(e -> {
          failed.incrementAndGet();
          counters.connectErrors.increment();
          return Future.succeededFuture();
        })
        .compose(v -> lane(next, failed, op));
  }

  private Future<Boolean> allCaughtUp(long deadline) {
    Promise<Boolean> p = Promise.promise();
    vertx.setPeriodic(1, 20, id -> {
      boolean all = clients.stream().allMatch(BenchClient::caughtUp);
      if (all || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(id);
        p.tryComplete(all);
      }
    });
    return p.future();
  }
}
