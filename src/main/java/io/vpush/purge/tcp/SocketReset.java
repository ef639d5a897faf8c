package io.vpush.purge.tcp;

import io.netty.channel.Channel;
import io.vpush.vertx.VertxInternals;
import io.vertx.core.net.NetSocket;
import io.vpush.limit.ForcedClose;

/**
 * The TCP bridge's side of {@link ForcedClose}: drops a Vert.x socket with a TCP reset (SO_LINGER 0, then close) at
 * once, whatever is still queued for it.
 *
 * <p>Why not {@code socket.close()} or {@code channel().close()}: both go through Vert.x's handler in the pipeline, which
 * turns a close into "write an empty buffer, close when it is written". Behind writes a peer never reads, that write
 * never completes, so the channel stays open and the peer (blocked in its own write because we stopped reading) never
 * learns. ForcedClose closes the transport directly, past that interception; SO_LINGER 0 makes the kernel send a reset
 * and free both socket buffers instead of trying to flush them.
 */
final class SocketReset {

  private SocketReset() {}

  /** Resets the connection now; the writes still queued fail and are freed. Call on the socket's event loop. */
  static void now(NetSocket socket) {
    ForcedClose.reset(channel(socket));
  }

  /**
   * Closes gracefully (queued writes leave first), bounded: a socket still open {@code timeoutMs} later is reset. The
   * timer is a task on the channel's event loop, cancelled when the channel closes; nothing is held per connection.
   */
  static void closeWithin(NetSocket socket, long timeoutMs) {
    ForcedClose.arm(channel(socket), timeoutMs, () -> {});
    socket.close();
  }

  private static Channel channel(NetSocket socket) {
    return VertxInternals.channel(socket);
  }
}
