package io.vpush.access;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vpush.metrics.Metrics;
import io.vpush.protocol.Addresses;
import io.vpush.store.Route;
import io.vpush.store.Store;
import io.vpush.time.Clock;
import io.vpush.time.TimingWheel;
import io.vpush.time.WheelDriver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One event loop's share of the access role, owned by the HTTP verticle instance of that loop: the sessions whose
 * sockets it accepted ({@link Hub}), their timing wheel, its view of the store (its Redis lane and batchers), its share
 * of the route refresh and, in a cluster, its consumer of topic frames. All of it is touched only on the shard's own
 * context; other threads reach it through {@link #execute} and {@link #call}.
 */
public final class Shard {

  private final Shards directory;
  private final int index;
  private final Context context;
  private final AccessSettings settings;
  private final Clock clock;
  private final TimingWheel wheel;
  private final Hub hub;
  private final Store store;
  private final Metrics metrics;
  private final UpstreamSink upstream;
  private final String nodeId;
  private final List<AutoCloseable> timers = new ArrayList<>();
  private MessageConsumer<JsonObject> topics;

  Shard(Shards directory, Context context, AccessSettings settings, Clock clock, Store store, Metrics metrics,
        UpstreamSink upstream, String nodeId) {
    this.directory = directory;
    this.context = context;
    this.settings = settings;
    this.clock = clock;
    this.store = store.onLoop(context);
    this.metrics = metrics;
    this.upstream = upstream;
    this.nodeId = nodeId;
    this.wheel = new TimingWheel(settings.wheelTickMs, 512, clock.nowMs());
    this.index = directory.attach(this);
    this.hub = new Hub(directory, index, metrics);
  }

  /**
   * Starts the shard's timers (the wheel's tick, the route refresh) and, on a clustered node, its consumer of topic
   * frames; on the shard's context, whose thread the hub is bound to from here on.
   */
  Future<Void> start(WheelDriver driver, boolean clustered) {
    hub.bindToCurrentThread();
    timers.add(driver.every(context, settings.wheelTickMs, () -> wheel.advance(clock.nowMs())));
    timers.add(driver.every(context, settings.routeTtlMs / 3, this::refreshRoutes));
    if (!clustered) return Future.succeededFuture();
    // Every shard consumes the topic broadcast: a topic frame reaches each shard of each node once.
    topics = context.owner().eventBus().consumer(Addresses.TOPICS,
        m -> hub.deliverTopic(m.body().getString("topic"), m.body().getString("frame")));
    return topics.completion();
  }

  /** Stops the timers and the topic consumer and leaves the directory; on the shard's context. */
  Future<Void> stop() {
    for (AutoCloseable t : timers) {
      try {
        t.close();
      } catch (Exception ignored) {
        // a timer that cannot be cancelled ends with its context
      }
    }
    timers.clear();
    directory.detach(this);
    return topics == null ? Future.succeededFuture() : topics.unregister();
  }

  /** Refreshes this shard's route entries in one store call per period, not one per connection. */
  private void refreshRoutes() {
    List<Route> routes = new ArrayList<>();
    hub.forEachRoute(routes::add);
    if (!routes.isEmpty()) store.putRoutes(routes, settings.routeTtlMs).onFailure(e -> metrics.problem("warn", "store"));
  }

  /** Tells each session to reconnect elsewhere after a jittered delay within {@code windowMs}; on the shard's context. */
  void reconnectAll(long windowMs) {
    for (Session s : hub.sessions()) s.reconnectElsewhere(windowMs == 0 ? 0 : ThreadLocalRandom.current().nextLong(windowMs));
  }

  /** Runs {@code action} on this shard's context: at once when the caller is on it, else as a task there. */
  void execute(Runnable action) {
    if (Vertx.currentContext() == context) action.run();
    else context.runOnContext(v -> action.run());
  }

  /** Runs {@code action} on this shard's context; its result comes back on the caller's context. */
  <T> Future<T> call(Supplier<T> action) {
    Context caller = Vertx.currentContext();
    if (caller == context) return Future.succeededFuture(action.get());
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      T value = action.get();
      if (caller == null) result.complete(value);
      else caller.runOnContext(w -> result.complete(value));
    });
    return result.future();
  }

  int index() { return index; }
  Context context() { return context; }
  AccessSettings settings() { return settings; }
  Clock clock() { return clock; }
  TimingWheel wheel() { return wheel; }
  Hub hub() { return hub; }
  Store store() { return store; }
  Metrics metrics() { return metrics; }
  UpstreamSink upstream() { return upstream; }
  String nodeId() { return nodeId; }
}
