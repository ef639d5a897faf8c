package io.vpush.limit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Bounds a close: a connection still open {@code close.timeoutMs} after its close began is dropped with a TCP reset
 * (SO_LINGER 0, then close), which frees at once what the kernel and Netty still hold for it; the writes that were
 * queued fail, so the session's backlog and the node's queued-outbound gauge come back down.
 *
 * <p>Why: a close frame is written behind everything queued before it, so to a client that stopped reading it never
 * leaves, and a client may also never answer it. The timer is a task on the channel's own event loop, armed only
 * while a close is under way and cancelled when the channel closes, so no connection holds a timer otherwise.
 * Shared by the client doors (access) and the TCP bridge (purge.tcp, through SocketReset).
 */
public final class ForcedClose {

  private ForcedClose() {}

  /** Arms the drop; {@code onForced} runs (on the channel's event loop) just before a connection is reset. */
  public static void arm(Channel channel, long timeoutMs, Runnable onForced) {
    ScheduledFuture<?> drop = channel.eventLoop().schedule(() -> {
      if (!channel.isOpen()) return;
      onForced.run();
      reset(channel);
    }, timeoutMs, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> drop.cancel(false));
  }

  /** Closes the channel with a reset: nothing more is sent, and what was queued is dropped. */
  public static void reset(Channel channel) {
    try {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException e) {
      // a channel type without SO_LINGER: a plain close still frees Netty's queue
    }
    // Straight to the transport: on a channel Vert.x still manages (a SockJS WebSocket), channel.close() goes through
    // Vert.x's handler, which closes only after a write that a client that stopped reading never lets complete.
    channel.unsafe().close(channel.voidPromise());
  }
}
