package io.vpush.store.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.netty.channel.EventLoop;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vpush.store.StoreUnavailableException;
import io.vpush.vertx.VertxInternals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of long-held, pipelined Redis connections ("lanes"), spread over the event loops; a caller on an event
 * loop uses a lane of that loop.
 *
 * <p>Why not the client's pool: it leases a connection exclusively per command (6 in flight by default), so
 * throughput is bounded by round trips. A lane keeps one connection (in cluster mode: one per master) and
 * pipelines every command sent to it. A caller (a Vert.x context, or a plain thread) always uses the same
 * lane, so its commands run in the order it sent them. Results are handed back on the caller's context,
 * never on the lane's event loop. A lane whose connection broke reconnects on its next command.
 *
 * <p>Every failure (refused, closed, timed out, error reply) completes with {@link StoreUnavailableException}.
 */
final class RedisLanes implements RedisCommands {

  private final Redis client;
  private final String target;
  private final boolean cluster;
  private final long timeoutMs;
  private final Lane[] lanes;
  /** The lanes whose connection lives on an event loop, by that loop: a caller on it uses one of them. */
  private final Map<EventLoop, Lane[]> onLoop;

  RedisLanes(Vertx vertx, Redis client, String target, boolean cluster, int count, long timeoutMs) {
    this.client = client;
    this.target = target;
    this.cluster = cluster;
    this.timeoutMs = timeoutMs;
    this.lanes = new Lane[count];
    // Event-loop contexts are handed out round-robin over the loops, so the lanes spread over them.
    for (int i = 0; i < count; i++) lanes[i] = new Lane(VertxInternals.newEventLoopContext(vertx));
    Map<EventLoop, List<Lane>> byLoop = new HashMap<>();
    for (Lane l : lanes) byLoop.computeIfAbsent(VertxInternals.eventLoop(l.context), k -> new ArrayList<>()).add(l);
    Map<EventLoop, Lane[]> m = new HashMap<>();
    byLoop.forEach((loop, ls) -> m.put(loop, ls.toArray(new Lane[0])));
    this.onLoop = Map.copyOf(m);
  }

  /** Sends one command on the caller's lane. */
  @Override
  public Future<Response> send(Request request) {
    return send(pick(), request);
  }

  private Future<Response> send(Lane lane, Request request) {
    return deliver(lane.connection().compose(c -> c.send(request)));
  }

  /**
   * Commands sent through the returned view all go on one lane, of {@code context}'s event loop: whatever the calling
   * context, they reach Redis in the order they were sent (a shard's route write before its catch-up read).
   */
  RedisCommands pinned(Context context) {
    return view(pick(context));
  }

  /**
   * The caller's lane, held: what goes through the view reaches Redis on one connection, after what went before it, so
   * a {@code WAIT} sent through it counts the writes sent through it ({@link RedisDurability#confirm}).
   */
  RedisCommands current() {
    return view(pick());
  }

  private RedisCommands view(Lane lane) {
    return new RedisCommands() {
      @Override
      public Future<Response> send(Request request) {
        return RedisLanes.this.send(lane, request);
      }

      @Override
      public Future<List<Response>> sendAll(List<Request> requests) {
        return RedisLanes.this.sendAll(lane, requests);
      }

      @Override
      public boolean cluster() {
        return cluster;
      }
    };
  }

  /**
   * Sends commands pipelined on the caller's lane, answers in order. Standalone: one {@code batch} (one
   * write). Cluster: one send each, since a cluster batch must stay on one master; the cluster connection
   * routes each to the master of its slot and pipelines per master.
   */
  @Override
  public Future<List<Response>> sendAll(List<Request> requests) {
    return sendAll(pick(), requests);
  }

  private Future<List<Response>> sendAll(Lane lane, List<Request> requests) {
    if (requests.isEmpty()) return Future.succeededFuture(List.of());
    Future<RedisConnection> conn = lane.connection();
    if (!cluster) return deliver(conn.compose(c -> c.batch(requests)));
    return deliver(conn.compose(c -> {
      List<Future<Response>> each = new ArrayList<>(requests.size());
      for (Request r : requests) each.add(c.send(r));
      return Future.all(each).map(all -> all.<Response>list());
    }));
  }

  /** Connects every lane and sends it a PING: the startup check. */
  Future<Void> ping() {
    List<Future<Response>> pings = new ArrayList<>(lanes.length);
    for (Lane l : lanes) {
      pings.add(l.connection().compose(c -> c.send(Request.cmd(io.vertx.redis.client.Command.PING)))
          .timeout(timeoutMs, TimeUnit.MILLISECONDS));
    }
    return Future.all(pings).<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new StoreUnavailableException(
            "cannot reach Redis at " + target + ": " + describe(e), e)));
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Lane l : lanes) closing.add(l.close());
    return Future.join(closing).eventually(client::close).mapEmpty();
  }

  @Override
  public boolean cluster() {
    return cluster;
  }

  String target() {
    return target;
  }

  /**
   * The caller's lane: on an event loop that holds lanes, one of those, so a command is written and its answer
   * handled on the caller's own thread (a lane on another loop cost two thread hand-offs per command); otherwise any.
   */
  private Lane pick() {
    return pick(Vertx.currentContext());
  }

  private Lane pick(Context ctx) {
    Object caller = ctx != null ? ctx : Thread.currentThread();
    Lane[] from = lanes;
    if (ctx != null && ctx.isEventLoopContext()) {
      Lane[] local = onLoop.get(VertxInternals.eventLoop(ctx));
      if (local != null) from = local;
    }
    int h = System.identityHashCode(caller);
    h ^= h >>> 16;
    return from[Math.floorMod(h, from.length)];
  }

  /** Completes on the caller's context, adds the timeout there, and maps failures. */
  private <T> Future<T> deliver(Future<T> f) {
    Context caller = Vertx.currentContext();
    if (caller == null) return withTimeout(f);
    Promise<T> p = VertxInternals.promiseOnCaller();
    // emit runs at once when the answer arrives on the caller's thread (its own lane), else it queues.
    f.onComplete(ar -> {
      if (Vertx.currentContext() == caller) p.handle(ar);
      else VertxInternals.emit(caller, ar, p::handle);
    });
    // The timeout goes on the future of the caller's context, so its timer is scheduled and cancelled on the caller's
    // own event loop. On a future without a context (the connection's and its compositions'), Vert.x schedules it on
    // Netty's GlobalEventExecutor thread: two thread hand-offs per command, a tenth of the node's CPU in a reconnect
    // on Redis (decision D30, docs/benchmarks-log.md).
    return withTimeout(p.future());
  }

  private <T> Future<T> withTimeout(Future<T> f) {
    return f.timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(unavailable(e)));
  }

  private Throwable unavailable(Throwable e) {
    if (e instanceof StoreUnavailableException) return e;
    return new StoreUnavailableException("Redis " + target + ": " + describe(e), e);
  }

  private static String describe(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
      return "no answer in time (" + e.getMessage() + ")";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** One held connection, opened on the lane's own event-loop context. */
  private final class Lane {

    private final Context context;
    private Future<RedisConnection> connection;

    Lane(Context context) {
      this.context = context;
    }

    synchronized Future<RedisConnection> connection() {
      if (connection == null || connection.failed()) {
        Promise<RedisConnection> p = Promise.promise();
        Future<RedisConnection> f = p.future();
        connection = f;
        context.runOnContext(v -> client.connect().onComplete(ar -> {
          if (ar.succeeded()) {
            RedisConnection c = ar.result();
            c.exceptionHandler(err -> broken(f, c));
            c.endHandler(end -> broken(f, c));
          }
          p.handle(ar);
        }));
      }
      return connection;
    }

    private synchronized void broken(Future<RedisConnection> f, RedisConnection c) {
      if (connection == f) connection = null;
      c.close();
    }

    synchronized Future<Void> close() {
      Future<RedisConnection> f = connection;
      connection = null;
      if (f == null) return Future.succeededFuture();
      return f.compose(RedisConnection::close, e -> Future.succeededFuture());
    }
  }
}
