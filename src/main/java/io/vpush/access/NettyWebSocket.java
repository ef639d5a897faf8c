package io.vpush.access;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Context;
import io.vpush.vertx.VertxInternals;
import io.vpush.access.InboundLimits.Verdict;
import io.vpush.protocol.CloseCodes;
import io.vpush.limit.ForcedClose;

import java.nio.charset.StandardCharsets;

/**
 * A raw WebSocket client connection on a plain Netty pipeline: the last handler of the channel, and the
 * {@link Transport} its {@link Session} writes to. Per connection it holds the channel, the session, the URL's query
 * and a flag; frames are written without a flush of their own (a {@code FlushConsolidationHandler} ahead of it flushes
 * once per event-loop turn, so several frames to one client leave in one write). Inbound events are dispatched on the
 * session's Vert.x context, as Vert.x's own handlers are, so that futures created while handling them stay there.
 *
 * <p>Closes follow RFC 6455's closing handshake: the close frame goes out, what the client still sends is read and
 * dropped until its own close frame (or its FIN) arrives, and only then the socket closes; closing with unread input
 * would make the kernel answer with a reset, and the client would lose the close frame (and its code) with it. A close
 * not done within {@code close.timeoutMs} drops the connection ({@link ForcedClose}). A ping is answered with at most
 * one pong pending (RFC 6455 5.5.3 allows answering only the most recent): a client that pings and does not read
 * cannot make the node queue pongs.
 */
final class NettyWebSocket extends SimpleChannelInboundHandler<WebSocketFrame> implements Transport, Handler<String> {

  private final Channel channel;
  private final Context context;
  private final String query;
  private final ClientFrameHandler frames;
  private Session session;
  private boolean closing;
  /** A pong is written and not yet taken by the socket: further pings until it is are not answered. */
  private boolean pongPending;

  NettyWebSocket(Channel channel, Context context, String query, ClientFrameHandler frames) {
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
    if (closing) {
      // Our close is out: the client's answer ends the handshake; anything else it still sends is dropped.
      if (frame instanceof CloseWebSocketFrame) ctx.close();
      return;
    }
    if (frame instanceof CloseWebSocketFrame close) {
      // The client's close: answer it with its own code, then close the socket.
      closing = true;
      ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
      ForcedClose.arm(channel, session.shard().settings().closeTimeoutMs, this::forced);
      return;
    }
    if (frame instanceof TextWebSocketFrame text) {
      VertxInternals.dispatch(context, text.text(), this);
    } else if (frame instanceof BinaryWebSocketFrame binary) {
      VertxInternals.dispatch(context, binary.content().toString(StandardCharsets.UTF_8), this);
    } else if (frame instanceof PingWebSocketFrame && admitted() && !pongPending) {
      // Text frames are counted by ClientFrameHandler (for every transport); pings only here.
      pongPending = true;
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain())).addListener(f -> pongPending = false);
    }
  }

  /** Counts a frame against the connection's rate; a refused frame is answered, sustained abuse closes. */
  private boolean admitted() {
    Verdict verdict = session.admitFrame();
    if (verdict == Verdict.ACCEPT) return true;
    VertxInternals.dispatch(context, verdict, v -> session.refused(v, null, "frames"));
    return false;
  }

  private void forced() {
    session.shard().metrics().closeForced(kind());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) VertxInternals.dispatch(context, null, v -> session.closed());
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Protocol violations (an oversized frame: 1009, bad UTF-8: 1007, others: 1002) are closed here, not by Netty's
    // decoder (closeOnProtocolViolation is off): its close would drop the socket while the rest of the frame is still
    // arriving, and the client would see a reset (1006) instead of the code. The decoder drops what follows.
    if (session == null || closing) {
      ctx.close();
    } else if (cause instanceof CorruptedWebSocketFrameException corrupt) {
      short code = (short) corrupt.closeStatus().code();
      String metric = code == CloseCodes.TOO_LARGE ? "too_large" : "bad_frame";
      VertxInternals.dispatch(context, null, v -> session.close(code, corrupt.closeStatus().reasonText(), metric));
    } else if (cause instanceof TooLongFrameException) {
      // A message of fragments past the aggregator's limit; the aggregator drops the rest of it.
      VertxInternals.dispatch(context, null, v -> session.close(CloseCodes.TOO_LARGE, "message too large", "too_large"));
    } else {
      ctx.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    // The HTTP server is shutting down (vpush's graceful shutdown has normally closed every session before).
    if (VertxInternals.isShutdownEvent(event)) VertxInternals.dispatch(context, null, v -> close(CloseCodes.SERVICE_RESTART, "service restart"));
    else super.userEventTriggered(ctx, event);
  }

  // --- Transport ---

  @Override
  public Future<Void> write(String frame) {
    if (closing) return Future.failedFuture("closed");
    // String.getBytes is vectorised for Latin-1 text; Netty's writeUtf8 goes char by char (measured: over half of a
    // delivery's write). The frame encoder copies a small payload into the frame's own direct buffer anyway.
    Future<Void> written = VertxInternals.completion(context,
        channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.getBytes(StandardCharsets.UTF_8)))));
    channel.flush();
    return written;
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
    // The socket closes when the client answers (channelRead0) or leaves, or is dropped past close.timeoutMs.
    channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
    ForcedClose.arm(channel, session.shard().settings().closeTimeoutMs, this::forced);
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
