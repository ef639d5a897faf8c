package io.vpush.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vpush.store.Accepted;
import io.vpush.store.InboxPage;
import io.vpush.store.NewMessage;
import io.vpush.store.Route;
import io.vpush.store.ScheduledMessage;
import io.vpush.store.Store;
import io.vpush.store.StoreStats;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * A {@link Store} that times every operation of the engine it wraps ({@code vpush_store_op_duration}) and
 * counts failures ({@code vpush_store_errors_total}), labelled by operation name from a fixed set.
 */
public final class MeteredStore implements Store, StoreStats {

  private final Store engine;
  private final Op accept;
  private final Op acceptAll;
  private final Op read;
  private final Op lastSeq;
  private final Op cursor;
  private final Op ack;
  private final Op schedule;
  private final Op claimDue;
  private final Op completeScheduled;
  private final Op putRoutes;
  private final Op removeRoutes;
  private final Op routes;

  public MeteredStore(Store engine, MeterRegistry registry) {
    this.engine = engine;
    accept = new Op(registry, "accept");
    acceptAll = new Op(registry, "accept_all");
    read = new Op(registry, "read");
    lastSeq = new Op(registry, "last_seq");
    cursor = new Op(registry, "cursor");
    ack = new Op(registry, "ack");
    schedule = new Op(registry, "schedule");
    claimDue = new Op(registry, "claim_due");
    completeScheduled = new Op(registry, "complete_scheduled");
    putRoutes = new Op(registry, "put_routes");
    removeRoutes = new Op(registry, "remove_routes");
    routes = new Op(registry, "routes");
  }

  /** A view of {@code ops}'s engine for one event loop, timed by the same meters. */
  private MeteredStore(Store engine, MeteredStore ops) {
    this.engine = engine;
    this.accept = ops.accept;
    this.acceptAll = ops.acceptAll;
    this.read = ops.read;
    this.lastSeq = ops.lastSeq;
    this.cursor = ops.cursor;
    this.ack = ops.ack;
    this.schedule = ops.schedule;
    this.claimDue = ops.claimDue;
    this.completeScheduled = ops.completeScheduled;
    this.putRoutes = ops.putRoutes;
    this.removeRoutes = ops.removeRoutes;
    this.routes = ops.routes;
  }

  /** The wrapped engine. */
  public Store engine() {
    return engine;
  }

  @Override public Future<Accepted> accept(NewMessage m) { return accept.time(() -> engine.accept(m)); }
  @Override public Future<List<Accepted>> acceptAll(List<NewMessage> ms) { return acceptAll.time(() -> engine.acceptAll(ms)); }
  @Override public Future<InboxPage> read(String user, long afterSeq, int limit, long maxBytes) { return read.time(() -> engine.read(user, afterSeq, limit, maxBytes)); }
  @Override public Future<InboxPage> join(Route r, long ttlMs, long afterSeq, int limit, long maxBytes) { return read.time(() -> engine.join(r, ttlMs, afterSeq, limit, maxBytes)); }
  @Override public Store onLoop(io.vertx.core.Context context) { return new MeteredStore(engine.onLoop(context), this); }
  @Override public Future<Long> lastSeq(String user) { return lastSeq.time(() -> engine.lastSeq(user)); }
  @Override public Future<Long> cursor(String user, String clientId) { return cursor.time(() -> engine.cursor(user, clientId)); }
  @Override public Future<Void> ack(String user, String clientId, long seq) { return ack.time(() -> engine.ack(user, clientId, seq)); }
  @Override public Future<Void> schedule(ScheduledMessage m) { return schedule.time(() -> engine.schedule(m)); }
  @Override public Future<List<ScheduledMessage>> claimDue(long now, int max, long leaseMs) { return claimDue.time(() -> engine.claimDue(now, max, leaseMs)); }
  @Override public Future<Void> completeScheduled(Collection<ScheduledMessage> done) { return completeScheduled.time(() -> engine.completeScheduled(done)); }
  @Override public Future<Void> putRoutes(Collection<Route> rs, long ttlMs) { return putRoutes.time(() -> engine.putRoutes(rs, ttlMs)); }
  @Override public Future<Void> removeRoutes(Collection<Route> rs) { return removeRoutes.time(() -> engine.removeRoutes(rs)); }
  @Override public Future<List<Route>> routes(String user) { return routes.time(() -> engine.routes(user)); }

  @Override
  public Future<Void> close() {
    return engine.close();
  }

  @Override
  public long droppedByCap() {
    return engine instanceof StoreStats s ? s.droppedByCap() : 0;
  }

  @Override
  public long expired() {
    return engine instanceof StoreStats s ? s.expired() : 0;
  }

  /** One operation's timer and error counter. */
  private static final class Op {
    private final Timer timer;
    private final Counter errors;

    Op(MeterRegistry registry, String name) {
      // Fixed buckets, not a percentile histogram: 12 operations x ~70 buckets would be most of the scrape.
      timer = Timer.builder("vpush_store_op_duration").description("store operation latency, by operation")
          .tag("op", name)
          .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000), ms(2500), ms(5000))
          .register(registry);
      errors = Counter.builder("vpush_store_errors_total").description("failed store operations, by operation")
          .tag("op", name).register(registry);
    }

    <T> Future<T> time(Supplier<Future<T>> call) {
      long start = System.nanoTime();
      Future<T> result;
      try {
        result = call.get();
      } catch (RuntimeException e) {
        errors.increment();
        throw e;
      }
      return result.andThen(ar -> {
        timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (ar.failed()) errors.increment();
      });
    }

    private static Duration ms(long v) {
      return Duration.ofMillis(v);
    }
  }
}
