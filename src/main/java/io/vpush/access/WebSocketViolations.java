package io.vpush.access;

import io.vpush.vertx.VertxInternals;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import java.util.function.Consumer;

/**
 * Takes the WebSocket decoder's protocol violations (an oversized frame: 1009, bad UTF-8: 1007, others: 1002) on a
 * Vert.x WebSocket (SockJS's transport) before Vert.x's handler sees them: that one closes the socket at once, while
 * the rest of the frame is still arriving, and the client sees a reset (1006) instead of the close code. Here the
 * session closes with the code as on the raw WebSocket; the decoder drops what follows.
 */
final class WebSocketViolations extends ChannelInboundHandlerAdapter {

  /** The name of Vert.x's connection handler, the last in its pipeline. */
  private static final String NAME = "vpush-ws-violations";

  private final Consumer<CorruptedWebSocketFrameException> onViolation;

  private WebSocketViolations(Consumer<CorruptedWebSocketFrameException> onViolation) {
    this.onViolation = onViolation;
  }

  /** Puts the handler in front of Vert.x's; {@code onViolation} runs on the connection's event loop. */
  static void install(ChannelPipeline pipeline, Consumer<CorruptedWebSocketFrameException> onViolation) {
    if (pipeline.get(VertxInternals.HTTP_HANDLER) != null && pipeline.get(NAME) == null) {
      pipeline.addBefore(VertxInternals.HTTP_HANDLER, NAME, new WebSocketViolations(onViolation));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupt) onViolation.accept(corrupt);
    else ctx.fireExceptionCaught(cause);
  }
}
