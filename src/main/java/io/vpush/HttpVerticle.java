package io.vpush;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vpush.access.AccessEndpoints;
import io.vpush.time.TimingWheel;

/**
 * One HTTP server instance per event loop: client endpoints (access role), publish and admin API, ops
 * endpoints and static pages. It owns this event loop's timing wheel, ticked by one periodic timer.
 */
final class HttpVerticle extends VerticleBase {

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
        .setStrictThreadMode(true);
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    if (tickTimer >= 0) vertx.cancelTimer(tickTimer);
    return server == null ? Future.succeededFuture() : server.close();
  }
}
