package io.vpush.http;

import io.vpush.metrics.Metrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP port's per-connection bounds, driven by EmbeddedChannel's clock (no sleeps). */
class HttpConnectionGuardTest {

  private static final long IDLE_MS = 1_000;
  private static final long REQUEST_MS = 500;
  private static final long MAX_QUEUED = 64 * 1024;

  private Metrics metrics;
  private HttpConnectionGuard.Limits limits;
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    metrics = new Metrics();
    limits = HttpConnectionGuard.Limits.of(IDLE_MS, REQUEST_MS, MAX_QUEUED, metrics);
    channel = new EmbeddedChannel(new HttpConnectionGuard(limits));
  }

  private void advance(long ms) {
    channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void aConnectionThatNeverSendsARequestIsClosedAtTheIdleTimeout() {
    advance(IDLE_MS - 1);
    assertThat(channel.isOpen()).isTrue();
    advance(1);
    assertThat(channel.isOpen()).isFalse();
    assertThat(limits.closedIdle().count()).isEqualTo(1);
  }

  @Test
  void aKeepAliveConnectionWaitsTheIdleTimeoutAfterEachAnswerNotFromItsStart() {
    advance(IDLE_MS - 100);
    channel.writeInbound(get());
    channel.readInbound();
    advance(IDLE_MS * 5); // answering takes as long as it takes (a long poll)
    assertThat(channel.isOpen()).isTrue();
    channel.writeOutbound(ok());
    advance(IDLE_MS - 1);
    assertThat(channel.isOpen()).isTrue();
    advance(1);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aBodyThatDoesNotCompleteWithinTheRequestTimeoutClosesTheConnection() {
    channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/messages"));
    channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {'{'})));
    advance(REQUEST_MS);
    assertThat(channel.isOpen()).isFalse();
    assertThat(limits.closedRequestTimeout().count()).isEqualTo(1);
    assertThat(limits.closedIdle().count()).isZero();
  }

  @Test
  void aPipelinedRequestReadBeforeTheFirstAnswerKeepsTheConnectionFromIdling() {
    channel.writeInbound(get());
    channel.writeInbound(get());
    channel.writeOutbound(ok()); // the first answer; the second request is still being answered
    advance(IDLE_MS * 3);
    assertThat(channel.isOpen()).isTrue();
    channel.writeOutbound(ok());
    advance(IDLE_MS);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aSwitchToWebSocketTakesTheGuardOut() {
    channel.writeInbound(get());
    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
    assertThat(channel.pipeline().get(HttpConnectionGuard.class)).isNull();
    advance(IDLE_MS * 10);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void answersPiledUpPastTheBoundCloseTheConnection() {
    // Writes that are not flushed stay in the channel's outbound buffer, as answers a client does not read do.
    byte[] chunk = new byte[20 * 1024];
    for (int i = 0; i < 4; i++) { // the 4th still finds 60 KiB (and the entries' overhead) queued: under the bound
      channel.write(Unpooled.wrappedBuffer(chunk));
    }
    assertThat(channel.isOpen()).isTrue();
    channel.write(Unpooled.wrappedBuffer(chunk));
    assertThat(channel.isOpen()).isFalse();
    assertThat(limits.closedQueue().count()).isEqualTo(1);
  }

  @Test
  void anHttpVersionOtherThanOneIsAnsweredFourHundredAndClosed() {
    channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.valueOf("HTTP/2.0"), HttpMethod.GET, "/health/live"));
    assertThat((Object) channel.readInbound()).as("not passed on to Vert.x").isNull();
    io.netty.handler.codec.http.FullHttpResponse answer = channel.readOutbound();
    assertThat(answer.status().code()).isEqualTo(400);
    assertThat(answer.content().toString(java.nio.charset.StandardCharsets.UTF_8)).contains("unsupported HTTP version");
    answer.release();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aBodyThatDoesNotDecodeIsAnsweredFourHundredAndClosed() {
    channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/messages"));
    channel.readInbound();
    io.netty.handler.codec.http.HttpContent broken = new DefaultHttpContent(Unpooled.EMPTY_BUFFER);
    broken.setDecoderResult(io.netty.handler.codec.DecoderResult.failure(new NumberFormatException("Chunk size overflow: -1")));
    channel.writeInbound(broken);
    assertThat((Object) channel.readInbound()).isNull();
    io.netty.handler.codec.http.FullHttpResponse answer = channel.readOutbound();
    assertThat(answer.status().code()).isEqualTo(400);
    assertThat(answer.content().toString(java.nio.charset.StandardCharsets.UTF_8)).contains("Chunk size overflow");
    answer.release();
    assertThat(channel.isOpen()).isFalse();
  }

  private static DefaultFullHttpRequest get() {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health/live");
  }

  private static DefaultFullHttpResponse ok() {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
  }
}
