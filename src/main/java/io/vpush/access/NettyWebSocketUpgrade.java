package io.vpush.access;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vpush.http.HttpConnectionGuard;
import io.vertx.core.Context;
import io.vpush.vertx.VertxInternals;

import java.util.List;
import java.util.function.Function;

/**
 * Moves a raw WebSocket upgrade off Vert.x's HTTP connection onto a plain Netty pipeline: Vert.x's HTTP handlers are
 * removed from the channel, Netty's handshaker answers the upgrade, and a {@link NettyWebSocket} becomes the channel's
 * last handler.
 *
 * <p>Why: a Vert.x 5.0.5 {@code ServerWebSocket} keeps ~9 KB of heap per idle connection that vpush cannot trim (an
 * MPSC outbound queue that ignores strict thread mode, and the upgrade request, response and header maps it keeps
 * reachable), and its write API flushes every frame. Measured in {@code docs/benchmarks.md} (idle scenario). The rest
 * of the HTTP server (API, SockJS, pages) stays on Vert.x.
 */
final class NettyWebSocketUpgrade {

  /**
   * Vert.x's HTTP/1.x handlers, whichever are present, are removed ({@link VertxInternals#HTTP1_HANDLERS}). That
   * includes Vert.x's WebSocket extension handler, which negotiates nothing for this handshake (it is not the one that
   * answers it) but otherwise stayed in every connection's read path (JFR); and vpush's own HTTP connection bounds
   * (http.HttpConnectionGuard): the WebSocket has its own from here on. No extension (permessage-deflate) is offered.
   */
  private static final List<String> VERTX_HTTP_HANDLERS = java.util.stream.Stream.concat(
      VertxInternals.HTTP1_HANDLERS.stream(), java.util.stream.Stream.of(HttpConnectionGuard.NAME)).toList();

  /** The pipeline name of the handler that consolidates flushes per event-loop turn. */
  static final String FLUSH_HANDLER = "vpush-flush";

  private final WebSocketDecoderConfig decoderConfig;
  private final int maxMessageBytes;

  /** @param maxMessageBytes the largest frame (and message, fragments joined) the codec accepts; past it, 1009 */
  NettyWebSocketUpgrade(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
    this.decoderConfig = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(maxMessageBytes)
        .allowExtensions(false)
        // NettyWebSocket closes a violation itself, with the closing handshake: Netty's own close drops the socket
        // while the rest of the frame is still arriving, and the client then sees a reset (1006) instead of the code.
        .closeOnProtocolViolation(false)
        .build();
  }

  /**
   * Takes the request's connection over; call it from the request handler, on the connection's event loop.
   *
   * @param socketFor makes the connection's handler (and its session) once the channel is known
   */
  void upgrade(HttpServerRequest request, Function<Channel, NettyWebSocket> socketFor) {
    Context context = Vertx.currentContext();
    Channel channel = VertxInternals.channel(request.connection());
    FullHttpRequest handshake = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, request.uri(),
        Unpooled.EMPTY_BUFFER);
    request.headers().forEach(h -> handshake.headers().add(h.getKey(), h.getValue()));
    // Vert.x is inside its own read of this channel: let it return first, then rebuild the pipeline.
    request.pause();
    context.runOnContext(v -> takeOver(channel, handshake, socketFor));
  }

  private void takeOver(Channel channel, FullHttpRequest handshake, Function<Channel, NettyWebSocket> socketFor) {
    if (!channel.isActive()) return; // the client left during the hand-over: no session to make
    ChannelPipeline pipeline = channel.pipeline();
    for (String name : VERTX_HTTP_HANDLERS) {
      if (pipeline.get(name) != null) pipeline.remove(name);
    }
    NettyWebSocket socket = socketFor.apply(channel);
    pipeline.addLast("vpush-http", new HttpServerCodec());
    pipeline.addLast("vpush-ws-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
    // Flushes are consolidated per event-loop turn (and per read), so frames queued together leave in one write.
    pipeline.addLast(FLUSH_HANDLER, new FlushConsolidationHandler(256, true));
    pipeline.addLast("vpush-ws", socket);
    String url = "ws://" + handshake.headers().get("Host") + handshake.uri();
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(url, null, decoderConfig).newHandshaker(handshake);
    if (handshaker == null) {
      // 426 with the versions we speak; closed once written (the session learns it from channelInactive).
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    handshaker.handshake(channel, handshake).addListener(f -> {
      if (!f.isSuccess()) channel.close();
    });
    // Vert.x may have turned reads off while it held the request.
    channel.config().setAutoRead(true);
  }
}
