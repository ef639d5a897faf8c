package io.vpush.http;

import io.vpush.http.HttpErrors;
import io.vpush.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Bounds one HTTP/1 connection of the HTTP port: a connection waiting for a request head (idle keep-alive,
 * or headers trickled byte by byte) is closed after {@code http.idleTimeoutMs}; a request body not complete within
 * {@code http.requestTimeoutMs} of its head closes it too; and a client that pipelines requests without reading the
 * answers is closed once more than {@code http.maxQueuedBytes} of answers wait in its socket's queue.
 *
 * <p>One Netty handler per HTTP connection, between the codec and Vert.x's handler; it takes itself out when the
 * connection becomes a WebSocket (101), whose own bounds then apply. Time runs from the connection's event loop (one
 * scheduled task at a time). Vert.x's {@code HttpServerOptions.setIdleTimeout} is not used: its timer restarts on
 * every byte read, so a slow header keeps it quiet forever, and it would also close a long poll that is waiting.
 */
public final class HttpConnectionGuard extends ChannelDuplexHandler {

  /** The handler's name in the pipeline. */
  public static final String NAME = "vpush-http-guard";

  /** The node's bounds and the counters of what they closed; one per node, shared by every connection. */
  public record Limits(long idleTimeoutMs, long requestTimeoutMs, long maxQueuedBytes,
                       Counter closedIdle, Counter closedRequestTimeout, Counter closedQueue) {

    public static Limits of(long idleTimeoutMs, long requestTimeoutMs, long maxQueuedBytes, Metrics metrics) {
      String name = "vpush_http_connections_closed_total";
      String help = "HTTP connections closed by a bound of the HTTP port, by reason";
      return new Limits(idleTimeoutMs, requestTimeoutMs, maxQueuedBytes,
          metrics.counter(name, help, "reason", "idle"),
          metrics.counter(name, help, "reason", "request_timeout"),
          metrics.counter(name, help, "reason", "queue_full"));
    }
  }

  /** The versions answered; anything else in a request line is refused here (see channelRead). */
  private static final java.util.Set<HttpVersion> SPOKEN = java.util.Set.of(HttpVersion.HTTP_1_0, HttpVersion.HTTP_1_1);

  private final Limits limits;
  /** Requests read whole, and answers written whole: equal when the connection waits for its next request. */
  private int requestsRead;
  private int answersWritten;
  /** A head arrived, its body is still arriving. */
  private boolean inBody;
  /** An answer's head is written, its end is not. */
  private boolean answering;
  private ScheduledFuture<?> timer;

  public HttpConnectionGuard(Limits limits) {
    this.limits = limits;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    awaitRequest(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest request && !SPOKEN.contains(request.protocolVersion())) {
      // HTTP/2.0 (or a made-up version) in an HTTP/1 request line: Vert.x would answer a bare 501, a server error.
      io.netty.util.ReferenceCountUtil.release(msg);
      refuse(ctx, "unsupported HTTP version");
      return;
    }
    if (msg instanceof io.netty.handler.codec.http.HttpContent part && !(msg instanceof HttpRequest)
        && part.decoderResult().isFailure()) {
      // A body that does not decode (a chunk size that overflows): Vert.x would close without an answer. A head that
      // does not decode goes on to Vert.x, whose invalid-request handler (HttpErrors) tells 414 and 431 apart.
      io.netty.util.ReferenceCountUtil.release(msg);
      refuse(ctx, "the request could not be read: " + part.decoderResult().cause().getMessage());
      return;
    }
    if (msg instanceof HttpRequest) {
      inBody = true;
      arm(ctx, limits.requestTimeoutMs(), limits.closedRequestTimeout());
    }
    if (msg instanceof LastHttpContent) {
      inBody = false;
      requestsRead++;
      cancel(); // being answered: an answer (a long poll, a stream) takes the time it takes
    }
    super.channelRead(ctx, msg);
  }

  /** Answers 400 with a JSON reason and closes; only closes when an answer is already on its way. */
  private void refuse(ChannelHandlerContext ctx, String message) {
    cancel();
    if (answering) {
      ctx.close();
      return;
    }
    byte[] body = new io.vertx.core.json.JsonObject().put("error", "bad_request").put("message", message).encode()
        .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
        Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, "close");
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    ChannelOutboundBuffer queue = ctx.channel().unsafe().outboundBuffer();
    if (queue != null && queue.totalPendingWriteBytes() > limits.maxQueuedBytes()) {
      // Answers the client does not read: drop the connection and what it queued rather than hold more.
      limits.closedQueue().increment();
      io.netty.util.ReferenceCountUtil.release(msg);
      promise.setFailure(new java.io.IOException("the client does not read its answers"));
      cancel();
      ctx.close(); // from here toward the socket: Vert.x's handler would close only after its queued writes leave
      return;
    }
    if (msg instanceof HttpResponse response && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
      cancel();
      ctx.pipeline().remove(this);
      ctx.write(msg, promise);
      return;
    }
    if (msg instanceof HttpResponse) answering = true;
    super.write(ctx, msg, promise);
    if (msg instanceof LastHttpContent) {
      answering = false;
      answersWritten++;
      if (answersWritten >= requestsRead && !inBody) awaitRequest(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void awaitRequest(ChannelHandlerContext ctx) {
    arm(ctx, limits.idleTimeoutMs(), limits.closedIdle());
  }

  private void arm(ChannelHandlerContext ctx, long delayMs, Counter reason) {
    cancel();
    timer = ctx.executor().schedule(() -> {
      timer = null;
      reason.increment();
      ctx.close();
    }, delayMs, TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
