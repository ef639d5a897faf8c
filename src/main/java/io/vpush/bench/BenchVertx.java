package io.vpush.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The Vert.x instances of the bench's own JVMs (load generator, fleet agents, bare server): on the same socket transport
 * as a vpush node by default (Netty's native epoll where available), so bare and vpush differ only in what they do.
 */
final class BenchVertx {
  private BenchVertx() {}

  static Vertx create() {
    return Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  }
}
