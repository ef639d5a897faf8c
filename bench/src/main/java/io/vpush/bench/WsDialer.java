package io.vpush.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's WebSocket client, on Netty's codecs and Vert.x's event loops: it opens a socket from a given
 * source address, performs the upgrade and hands text frames to a {@link Listener}. It replaces Vert.x's WebSocket
 * client in the fleet because the load generator shares the server's two cores: in the reconnect scenario it cost
 * more CPU per reconnect than the node (decision D34, docs/benchmarks-log.md), and what it does not spend the node
 * can.
 */
final class WsDialer {

  /** What a connection reports to its owner, on the connection's event loop. */
  interface Listener {
    void onText(String text);

    void onClose(Channel ch);
  }

  private static final int MAX_FRAME = 1 << 20;
  // How long a close we started may wait for the server to close the TCP connection (RFC 6455: the server closes first).
  private static final long CLOSE_WAIT_MS = 10_000;

  private final Bootstrap bootstrap;
  private final long timeoutMs;
  // One upgrade config per server address and path, built once: a reconnect storm dials the same few thousands of times.
  private final Map<String, WebSocketClientProtocolConfig> configs = new ConcurrentHashMap<>();

  WsDialer(Vertx vertx, long timeoutMs) {
    VertxInternal vx = (VertxInternal) vertx;
    this.timeoutMs = timeoutMs;
    this.bootstrap = new Bootstrap().group(vx.nettyEventLoopGroup()).channelFactory(vx.transport().channelFactory(false))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
  }

  /** Connects from {@code source} and upgrades at {@code path}; completes with the channel once the upgrade is done. */
  Future<Channel> dial(String source, String host, int port, String path, Listener listener) {
    Promise<Channel> upgraded = Promise.promise();
    WebSocketClientProtocolConfig config = configs.computeIfAbsent("ws://" + host + ":" + port + path,
        uri -> WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri).handshakeTimeoutMillis(timeoutMs)
            .maxFramePayloadLength(MAX_FRAME).handleCloseFrames(false).generateOriginHeader(false)
            // The frames are the server's and this is a load generator: validating their UTF-8 would only cost CPU.
            .withUTF8Validator(false).build());
    Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8_192),
            new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(MAX_FRAME),
            new FrameHandler(upgraded, listener));
      }
    });
    b.connect(new InetSocketAddress(host, port), new InetSocketAddress(source, 0)).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) upgraded.tryFail(f.cause());
    });
    return upgraded.future();
  }

  /** Writes one text frame. */
  static void send(Channel ch, String text) {
    ch.writeAndFlush(new TextWebSocketFrame(text), ch.voidPromise());
  }

  /**
   * Starts the close handshake; completes once the close frame is written, as Vert.x's {@code WebSocket.close()} does.
   * The server then closes the connection (RFC 6455: the server closes TCP first), or this side does after a wait.
   */
  static Future<Void> close(Channel ch) {
    Promise<Void> written = Promise.promise();
    FrameHandler handler = ch.pipeline().get(FrameHandler.class);
    ch.eventLoop().execute(() -> {
      if (!ch.isActive() || handler == null || handler.closeSent) {
        written.tryComplete();
        return;
      }
      handler.closeSent = true;
      ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)).addListener(f -> written.tryComplete());
      var giveUp = ch.eventLoop().schedule(() -> ch.close(), CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
      ch.closeFuture().addListener(f -> giveUp.cancel(false));
    });
    return written.future();
  }

  /** Completes the upgrade promise and passes text frames on; answers a close the server starts. */
  private static final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final Promise<Channel> upgraded;
    private final Listener listener;
    // Set on the event loop once this side has sent its close frame.
    private boolean closeSent;

    FrameHandler(Promise<Channel> upgraded, Listener listener) {
      this.upgraded = upgraded;
      this.listener = listener;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        upgraded.tryComplete(ctx.channel());
      } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        upgraded.tryFail("WebSocket upgrade timed out");
        ctx.close();
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame text) {
        listener.onText(text.text());
      } else if (frame instanceof CloseWebSocketFrame && !closeSent) {
        // The answer to our close needs nothing (the server closes the socket); a close the server starts is echoed.
        closeSent = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      upgraded.tryFail("closed before the WebSocket upgrade completed");
      listener.onClose(ctx.channel());
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      upgraded.tryFail(cause);
      ctx.close();
    }
  }
}
