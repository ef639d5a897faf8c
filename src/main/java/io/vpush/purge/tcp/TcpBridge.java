package io.vpush.purge.tcp;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vpush.purge.Publisher;

import java.util.concurrent.TimeUnit;

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

  /** Room for the frame's envelope (type, address, replyAddress, headers) around a maximal publish body. */
  static final int ENVELOPE_BYTES = 4_096;

  private final Publisher publisher;
  private final String apiKey;
  private final int maxFrameBytes;
  private final NetServerOptions options;
  private NetServer server;

  /**
   * @param port          the port to listen on (not 0: every instance must share one port)
   * @param apiKey        required in each frame's {@code headers.apiKey} when not null
   * @param maxBodyBytes  {@code publish.maxBodyBytes}; a frame may be this plus {@link #ENVELOPE_BYTES}
   * @param idleTimeoutMs a connection that sends nothing for this long is closed
   */
  public TcpBridge(Publisher publisher, String host, int port, String apiKey, int maxBodyBytes, long idleTimeoutMs) {
    this.publisher = publisher;
    this.apiKey = apiKey;
    this.maxFrameBytes = maxBodyBytes + ENVELOPE_BYTES;
    // Netty's idle handler per connection: no timer of ours per socket.
    this.options = new NetServerOptions().setHost(host).setPort(port)
        .setReadIdleTimeout((int) idleTimeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(options)
        .connectHandler(socket -> new TcpBridgeConnection(socket, publisher, apiKey, maxFrameBytes).start());
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
