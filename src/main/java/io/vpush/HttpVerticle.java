package io.vpush;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vpush.access.AccessEndpoints;
import io.vertx.core.net.impl.ConnectionBase;
import io.vpush.ops.HttpConnectionGuard;
import io.vpush.ops.HttpErrors;
import io.vpush.time.TimingWheel;

/**
 * One HTTP server instance per event loop: client endpoints (access role), publish and admin API, ops
 * endpoints and static pages. It owns this event loop's timing wheel, ticked by one periodic timer.
 */
final class HttpVerticle extends VerticleBase {

  /** Vert.x 5's name for its HTTP/1 connection handler in the pipeline. */
  private static final String VERTX_HANDLER = "handler";

  private final VPushNode node;
  private HttpServer server;
  private long tickTimer = -1;

  HttpVerticle(VPushNode node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    if (node.access() != null) {
      long tick = node.wheelTickMs();
      TimingWheel wheel = new TimingWheel(tick, 512, node.clock().nowMs());
      tickTimer = vertx.setPeriodic(tick, id -> wheel.advance(node.clock().nowMs()));
      new AccessEndpoints(node.access(), node.frames(), wheel, node.frameMaxBytes() * 4).mount(vertx, router);
    }
    node.mountApi(vertx, router);
    HttpErrors errors = new HttpErrors(node.metrics(), java.util.Set.of(AccessEndpoints.RAW_WEBSOCKET_PATH));
    errors.mount(router);
    int frameMax = node.frameMaxBytes();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(node.httpHost())
        .setPort(node.httpPort())
        // Frames up to 4x the limit reach vpush, which answers frame_too_large before closing; beyond, the codec closes with 1009.
        .setMaxWebSocketFrameSize(frameMax * 4)
        .setMaxWebSocketMessageSize(frameMax * 4)
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
    HttpConnectionGuard.Limits limits = node.httpLimits();
    server = vertx.createHttpServer(options).requestHandler(errors.guard(router))
        .invalidRequestHandler(errors::invalidRequest)
        .connectionHandler(connection -> guard(connection, limits));
    return server.listen();
  }

  /** Puts the connection's {@link HttpConnectionGuard} in front of Vert.x's handler. */
  private static void guard(HttpConnection connection, HttpConnectionGuard.Limits limits) {
    if (!(connection instanceof ConnectionBase base)) return;
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(HttpConnectionGuard.NAME) == null) {
      pipeline.addBefore(VERTX_HANDLER, HttpConnectionGuard.NAME, new HttpConnectionGuard(limits));
    }
  }

  @Override
  public Future<?> stop() {
    if (tickTimer >= 0) vertx.cancelTimer(tickTimer);
    return server == null ? Future.succeededFuture() : server.close();
  }
}
