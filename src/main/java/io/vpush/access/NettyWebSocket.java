package io.vpush.access;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.net.impl.ShutdownEvent;
import io.vpush.protocol.CloseCodes;

import java.nio.charset.StandardCharsets;

/**
 * A raw WebSocket client connection on a plain Netty pipeline: the last handler of the channel, and the
 * {@link Transport} its {@link Session} writes to. Per connection it holds the channel, the session, the URL's query
 * and a flag; frames are written without a flush of their own (a {@code FlushConsolidationHandler} ahead of it flushes
 * once per event-loop turn, so several frames to one client leave in one write). Inbound events are dispatched on the
 * session's Vert.x context, as Vert.x's own handlers are, so that futures created while handling them stay there.
 */
final class NettyWebSocket extends SimpleChannelInboundHandler<WebSocketFrame> implements Transport, Handler<String> {

  private final Channel channel;
  private final ContextInternal context;
  private final String query;
  private final ClientFrameHandler frames;
  private Session session;
  private boolean closing;

  NettyWebSocket(Channel channel, ContextInternal context, String query, ClientFrameHandler frames) {
    this.channel = channel;
    this.context = context;
    this.query = query;
    this.frames = frames;
  }

  /** Sets the connection's session, before the handshake completes. */
  void session(Session session) {
    this.session = session;
  }

  /** A text message, on the session's context. */
  @Override
  public void handle(String text) {
    frames.handle(session, text);
  }

  // --- inbound ---

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (session == null) return;
    if (frame instanceof TextWebSocketFrame text) {
      context.dispatch(text.text(), this);
    } else if (frame instanceof BinaryWebSocketFrame binary) {
      context.dispatch(binary.content().toString(StandardCharsets.UTF_8), this);
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame close) {
      // The client's close: answer it with its own code, then close the socket.
      closing = true;
      ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) context.dispatch(null, v -> session.closed());
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Protocol violations (an oversized frame: 1009, bad UTF-8: 1007) were already answered by Netty's decoder;
    // the session learns of the close from channelInactive.
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    // The HTTP server is shutting down (vpush's graceful shutdown has normally closed every session before).
    if (event instanceof ShutdownEvent) context.dispatch(null, v -> close(CloseCodes.SERVICE_RESTART, "service restart"));
    else super.userEventTriggered(ctx, event);
  }

  // --- Transport ---

  @Override
  public Future<Void> write(String frame) {
    PromiseInternal<Void> written = context.promise();
    if (closing) {
      written.fail("closed");
      return written.future();
    }
    // String.getBytes is vectorised for Latin-1 text; Netty's writeUtf8 goes char by char (measured: over half of a
    // delivery's write). The frame encoder copies a small payload into the frame's own direct buffer anyway.
    channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.getBytes(StandardCharsets.UTF_8)))).addListener(written);
    channel.flush();
    return written.future();
  }

  @Override
  public void flush() {
    // From the consolidation handler's own context the flush goes on toward the socket instead of waiting for the turn.
    ChannelHandlerContext consolidation = channel.pipeline().context(NettyWebSocketUpgrade.FLUSH_HANDLER);
    if (consolidation != null) consolidation.flush();
    else channel.flush();
  }

  @Override
  public void close(short code, String reason) {
    if (closing) return;
    closing = true;
    channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public String kind() {
    return "websocket";
  }

  @Override
  public String queryParam(String name) {
    return QueryParams.get(query, name);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(channel.remoteAddress());
  }
}
