package io.vpush.vertx;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ShutdownEvent;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.List;

/**
 * The one place vpush uses Vert.x internal API (io.vertx.core.internal, io.vertx.core.net.impl): the event loop of a
 * context, a context on a given loop, a promise answered on the caller's context, the Netty channel of an HTTP
 * connection and the names of Vert.x's handlers in its pipeline. VertxInternalsTest fails loudly when a Vert.x upgrade
 * changes any of them.
 */
public final class VertxInternals {

  /** Vert.x 5's name for its HTTP/1 connection handler in a connection's pipeline. */
  public static final String HTTP_HANDLER = "handler";

  /**
   * The names of Vert.x 5's HTTP/1.x handlers in a server connection's pipeline (HttpServerConnectionInitializer,
   * HttpServerConnectionHandler): the raw WebSocket upgrade removes whichever are present.
   */
  public static final List<String> HTTP1_HANDLERS = List.of("httpDecoder", "httpEncoder", "inflater", "deflater",
      "h2c", "chunkedWriter", "idle", "webSocketExtensionHandler", HTTP_HANDLER);

  private VertxInternals() {}

  /** The Netty event loop a context runs on. */
  public static EventLoop eventLoop(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
  }

  /** A new event-loop context; Vert.x hands them out round-robin over its loops. */
  public static Context newEventLoopContext(Vertx vertx) {
    return ((VertxInternal) vertx).createEventLoopContext();
  }

  /** A new event-loop context on the given loop of {@code vertx}. */
  public static Context contextOn(Vertx vertx, EventLoop loop) {
    return ((VertxInternal) vertx).contextBuilder().withEventLoop(loop).build();
  }

  /** Vert.x's event loops. */
  public static Iterable<io.netty.util.concurrent.EventExecutor> eventLoops(Vertx vertx) {
    return ((VertxInternal) vertx).nettyEventLoopGroup();
  }

  /**
   * A promise whose handlers run on the calling context (when there is one): answered from another context on the same
   * event loop it calls them at once, without the task a plain {@code runOnContext} hop costs.
   */
  public static <T> Promise<T> promiseOnCaller() {
    Context caller = Vertx.currentContext();
    return caller == null ? Promise.promise() : ((ContextInternal) caller).promise();
  }

  /**
   * Runs {@code handler} on {@code context} now, with it as the current context, as Vert.x runs its own handlers; from
   * a Netty handler on the context's event loop (futures made meanwhile then belong to the context).
   */
  public static <T> void dispatch(Context context, T value, Handler<T> handler) {
    ((ContextInternal) context).dispatch(value, handler);
  }

  /** A future of {@code context} that completes with a Netty future (a write's). */
  public static Future<Void> completion(Context context, io.netty.channel.ChannelFuture netty) {
    PromiseInternal<Void> p = ((ContextInternal) context).promise();
    netty.addListener(p);
    return p.future();
  }

  /** Hands {@code result} to {@code handler} on {@code context}: at once when on its thread, else as a task there. */
  public static <T> void emit(Context context, T result, Handler<T> handler) {
    ((ContextInternal) context).emit(result, handler);
  }

  /** Whether a pipeline user event is Vert.x's "the server is shutting down". */
  public static boolean isShutdownEvent(Object event) {
    return event instanceof ShutdownEvent;
  }

  /** The Netty channel of a Vert.x TCP socket. */
  public static Channel channel(NetSocket socket) {
    return ((NetSocketInternal) socket).channelHandlerContext().channel();
  }

  /** The cluster manager of a clustered Vert.x instance (null when not clustered). */
  public static ClusterManager clusterManager(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager();
  }

  /** The Netty channel under a Vert.x HTTP/1 connection, or null for a connection that has none of its own. */
  public static Channel channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channelHandlerContext().channel() : null;
  }
}
