package io.vpush.node;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vpush.access.AccessEndpoints;
import io.vpush.access.AccessRole;
import io.vpush.access.Shard;
import io.vpush.http.HttpConnectionGuard;
import io.vpush.http.HttpErrors;
import io.vpush.metrics.Metrics;
import io.vpush.vertx.VertxInternals;

import java.util.Set;
import java.util.function.IntConsumer;

/**
 * One HTTP server instance per event loop: client endpoints (access role), publish and admin API, ops endpoints and
 * static pages. On an access node it owns its loop's {@link Shard}: the sessions it accepts live there.
 */
final class HttpVerticle extends VerticleBase {

  private final HttpServerOptions options;
  private final AccessRole access;
  private final ApiRoutes api;
  private final HttpConnectionGuard.Limits limits;
  private final Metrics metrics;
  private final SocketAddress address;
  private final IntConsumer bound;
  private HttpServer server;
  private Shard shard;

  /**
   * @param address where to listen (every instance of a node the same: a shared random port when the setting is 0)
   * @param bound   told the port once this instance listens
   * @param access  the access role, or null on a node without it
   */
  HttpVerticle(SocketAddress address, IntConsumer bound, HttpServerOptions options, AccessRole access, ApiRoutes api,
               HttpConnectionGuard.Limits limits, Metrics metrics) {
    this.address = address;
    this.bound = bound;
    this.options = options;
    this.access = access;
    this.api = api;
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    Future<Shard> shardStarted = access == null ? Future.succeededFuture() : access.startShard(context, router);
    api.mount(vertx, router);
    HttpErrors errors = new HttpErrors(metrics, Set.of(AccessEndpoints.RAW_WEBSOCKET_PATH));
    errors.mount(router);
    server = vertx.createHttpServer(options).requestHandler(errors.guard(router))
        .invalidRequestHandler(errors::invalidRequest)
        // Only TLS handshake failures are of interest here (counted); other connection errors were never logged.
        .exceptionHandler(e -> { if (io.vpush.tls.TlsOptions.handshakeFailure(e)) metrics.tlsHandshakeFailed("http"); })
        .connectionHandler(this::guard);
    return shardStarted.compose(s -> {
      shard = s;
      return server.listen(address);
    }).onSuccess(s -> bound.accept(s.actualPort()));
  }

  /** Puts the connection's {@link HttpConnectionGuard} in front of Vert.x's handler. */
  private void guard(HttpConnection connection) {
    io.netty.channel.Channel channel = VertxInternals.channel(connection);
    if (channel == null) return;
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(VertxInternals.HTTP_HANDLER) != null && pipeline.get(HttpConnectionGuard.NAME) == null) {
      pipeline.addBefore(VertxInternals.HTTP_HANDLER, HttpConnectionGuard.NAME, new HttpConnectionGuard(limits));
    }
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> shard == null ? Future.succeededFuture() : access.stopShard(shard));
  }

  /** The options of a node's HTTP port, shared by its instances. */
  static HttpServerOptions options(int frameMaxBytes) {
    return new HttpServerOptions()
        // Frames up to 4x the limit reach vpush, which answers frame_too_large before closing; beyond, the codec closes with 1009.
        .setMaxWebSocketFrameSize(frameMaxBytes * 4)
        .setMaxWebSocketMessageSize(frameMaxBytes * 4)
        // Strict thread mode drops two pre-allocated outbound queues per connection (~8 KB heap each connection,
        // measured with jmap at 5,000 idle connections). It requires writes on the connection's event loop,
        // which Session guarantees: everything it writes hops onto its own context first.
        .setStrictThreadMode(true)
        // Expect: 100-continue is answered by vertx-web's BodyHandler on the routes that read a body, after its limit check
        // (an over-limit Content-Length gets 413 before the body is sent); Vert.x's automatic answer would be a second one.
        // No WebSocket compression on the SockJS path (the raw one has none): a deflater and an inflater per connection
        // are hundreds of KB of native memory that any client could ask for by offering permessage-deflate.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // vpush serves HTTP/1 only. With h2c on, Vert.x makes the connection (and calls the connection handler that
        // bounds it) only at its first bytes, so a connection that never sends one was never closed.
        .setHttp2ClearTextEnabled(false);
  }
}
