package io.vpush.purge.tcp;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vpush.http.ApiKeyRing;
import io.vpush.purge.Publisher;

import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The TCP event-bus bridge for internal callers (purge role): the stock bridge framing (4-byte big-endian length +
 * JSON) on {@code tcpBridge.host:tcpBridge.port}, permitting only {@code send} to {@code vpush.publish} and
 * {@code ping}. vpush owns the socket handling: a maximum frame length, an idle timeout, the API key, and no
 * consumers at all (so a {@code register} cannot leak anything: it is refused).
 *
 * <p>A verticle, deployed once per event loop like the HTTP server, so connections spread over the event loops
 * instead of sharing the one context the node was started from.
 */
public final class TcpBridge extends VerticleBase {

  private final SocketAddress address;
  private final IntConsumer bound;

  /** Room for the frame's envelope (type, address, replyAddress, headers) around a maximal publish body. */
  static final int ENVELOPE_BYTES = 4_096;

  private final Publisher publisher;
  private final ApiKeyRing keys;
  private final TcpBridgeLimits limits;
  private final NetServerOptions options;
  private final io.micrometer.core.instrument.Counter tlsFailures;
  private NetServer server;

  /**
   * @param address       where to listen, the same for every instance (a shared random port for "any")
   * @param bound         told the port once this instance listens
   * @param keys          the node's API keys: each frame's {@code headers.apiKey} must be one with the publish scope
   * @param maxBodyBytes  {@code publish.maxBodyBytes}; a frame may be this plus {@link #ENVELOPE_BYTES}
   * @param idleTimeoutMs a connection that sends nothing for this long is closed
   * @param bounds        the other bounds ({@code tcpBridge.*}) and their counters, shared by the node's bridges
   * @param tls           adds TLS to the server options when configured ({@code tcpBridge.tls}); identity otherwise
   */
  public TcpBridge(Publisher publisher, SocketAddress address, IntConsumer bound, ApiKeyRing keys, int maxBodyBytes, long idleTimeoutMs,
                   Bounds bounds, java.util.function.UnaryOperator<NetServerOptions> tls) {
    this.address = address;
    this.bound = bound;
    this.publisher = publisher;
    this.keys = keys;
    this.limits = new TcpBridgeLimits(maxBodyBytes + ENVELOPE_BYTES, bounds.maxInFlightBytes(), bounds.frameTimeoutMs(),
        bounds.writeStallTimeoutMs(), bounds.meters(), bounds.publishes());
    this.tlsFailures = bounds.tlsFailures;
    // Netty's idle handler per connection: no timer of ours per socket.
    this.options = tls.apply(new NetServerOptions()
        .setReadIdleTimeout((int) idleTimeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(options)
        .connectHandler(socket -> new TcpBridgeConnection(socket, publisher, keys, limits).start())
        // tcpBridge.tls: a failed handshake never reaches connectHandler; count it.
        .exceptionHandler(e -> { if (io.vpush.tls.TlsOptions.handshakeFailure(e)) tlsFailures.increment(); });
    return server.listen(address).onSuccess(s -> bound.accept(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * The bridge's bounds from settings ({@code tcpBridge.maxInFlightBytes}, {@code frameTimeoutMs},
   * {@code writeStallTimeoutMs}) and the node's publish rate, with the node's counters for them; make one per node.
   */
  public static final class Bounds {
    private final long maxInFlightBytes;
    private final long frameTimeoutMs;
    private final long writeStallTimeoutMs;
    private final TcpBridgeLimits.Meters meters;
    private final io.vpush.limit.NodeRate publishes;
    private final io.micrometer.core.instrument.Counter tlsFailures;

    /** @param publishes the node's publish rate, shared with the other keyed doors */
    public Bounds(long maxInFlightBytes, long frameTimeoutMs, long writeStallTimeoutMs, io.vpush.metrics.Metrics metrics,
                  io.vpush.limit.NodeRate publishes) {
      this.maxInFlightBytes = maxInFlightBytes;
      this.frameTimeoutMs = frameTimeoutMs;
      this.writeStallTimeoutMs = writeStallTimeoutMs;
      this.meters = TcpBridgeLimits.Meters.of(metrics);
      this.publishes = publishes;
      this.tlsFailures = metrics.tlsHandshakeFailures("tcp_bridge");
    }

    long maxInFlightBytes() { return maxInFlightBytes; }
    long frameTimeoutMs() { return frameTimeoutMs; }
    long writeStallTimeoutMs() { return writeStallTimeoutMs; }
    TcpBridgeLimits.Meters meters() { return meters; }
    io.vpush.limit.NodeRate publishes() { return publishes; }
  }
}
