package io.vpush.purge.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.TimeUnit;

/**
 * Drops a Vert.x socket with a TCP reset (SO_LINGER 0, then close) at once, whatever is still queued for it.
 *
 * <p>Why not {@code socket.close()} or {@code channel().close()}: both go through Vert.x's handler in the pipeline, which
 * turns a close into "write an empty buffer, close when it is written". Behind writes a peer never reads, that write
 * never completes, so the channel stays open and the peer (blocked in its own write because we stopped reading) never
 * learns. Closing from Vert.x's own handler context goes toward the head of the pipeline and skips that interception;
 * SO_LINGER 0 makes the kernel send a reset and free both socket buffers instead of trying to flush them.
 */
final class SocketReset {

  private SocketReset() {}

  /** Resets the connection now; the writes still queued fail and are freed. Call on the socket's event loop. */
  static void now(NetSocket socket) {
    ChannelHandlerContext vertxHandler = ((NetSocketInternal) socket).channelHandlerContext();
    try {
      vertxHandler.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException e) {
      // a transport without SO_LINGER: the close below still frees Netty's queue
    }
    vertxHandler.close();
  }

  /**
   * Closes gracefully (queued writes leave first), bounded: a socket still open {@code timeoutMs} later is reset. The
   * timer is a task on the channel's event loop, cancelled when the channel closes; nothing is held per connection.
   */
  static void closeWithin(NetSocket socket, long timeoutMs) {
    ChannelHandlerContext vertxHandler = ((NetSocketInternal) socket).channelHandlerContext();
    var channel = vertxHandler.channel();
    var drop = channel.eventLoop().schedule(() -> {
      if (channel.isOpen()) now(socket);
    }, timeoutMs, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> drop.cancel(false));
    socket.close();
  }
}
