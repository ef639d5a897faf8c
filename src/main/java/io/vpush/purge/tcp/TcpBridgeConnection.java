package io.vpush.purge.tcp;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vpush.batch.BatchLimits;
import io.vpush.batch.Batcher;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vpush.config.ApiKeys;
import io.vpush.config.ApiScope;
import io.vpush.http.ApiKeyRing;
import io.vpush.protocol.Addresses;
import io.vpush.protocol.ErrorCode;
import io.vpush.purge.PublishException;
import io.vpush.purge.PublishRequest;
import io.vpush.purge.Publisher;
import io.vpush.store.StoreUnavailableException;

import java.util.ArrayList;
import java.util.List;

/**
 * One TCP bridge connection: reads length-prefixed JSON frames (checking the length before buffering the body),
 * answers {@code ping} with {@code pong} and {@code send} to {@code vpush.publish} with a {@code message} frame
 * to the caller's {@code replyAddress}; everything else gets an {@code err} frame. The publishes of one read (a
 * pipelining caller sends many per write) are published together, as one store call.
 *
 * <p>Hostile callers are bounded: a connection whose replies are not read is not read either (the socket
 * and the parser pause while the write queue is full) and is closed when it stays full for
 * {@code tcpBridge.writeStallTimeoutMs}; it is not read while its publishes awaiting an answer hold more than
 * {@code tcpBridge.maxInFlightBytes}; and a frame must be complete within {@code tcpBridge.frameTimeoutMs} of its first
 * byte (the read-idle timeout restarts on every byte, so one byte a second would otherwise hold it forever). A keyed
 * publish over the node's publish rate ({@code rate.publishesPerSecond}) is answered {@code err rate_limited}.
 */
final class TcpBridgeConnection {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TcpBridgeConnection.class);

  private final NetSocket socket;
  private final Publisher publisher;
  /** Past this many queued reply bytes in one turn, they are handed to the socket at once (so its queue is checked). */
  private static final int FLUSH_BYTES = 64 * 1024;
  /** Reasons to stop reading (bits of {@link #pausedFor}): reading resumes when none is left. */
  private static final byte PAUSED_FOR_WRITES = 1;
  private static final byte PAUSED_FOR_IN_FLIGHT = 2;

  private final ApiKeyRing keys;
  /**
   * The text of the last key this connection was let through with, and the key set that knew it: a caller
   * sends the same key in every frame, so it is hashed once per connection and key set, not once per publish (with
   * its counter, looked up once too).
   */
  private String acceptedText;
  private ApiKeys acceptedIn;
  private io.micrometer.core.instrument.Counter acceptedCount;
  private final TcpBridgeLimits limits;
  private final RecordParser parser;
  private boolean expectLength = true;
  /** The publishes of the current read, published together after it; null while none (most of a connection's life). */
  private List<Gathered> gathered;
  /** Bytes received and not yet taken by the parser as a record: above 0 after a read, a frame is incomplete. */
  private long unparsed;
  /** Whether a frame was completed in the current read (then the incomplete rest started in this read). */
  private boolean frameCompleted;
  /** When the incomplete frame's first byte arrived (System.nanoTime()); 0: no frame incomplete, or not reading. */
  private long frameStartNanos;
  private long frameTimer = -1;
  /** Frame bytes (plus overhead) of the publishes awaiting their answer. */
  private long inFlightBytes;
  /** Why reading is paused: {@link #PAUSED_FOR_WRITES} and/or {@link #PAUSED_FOR_IN_FLIGHT}; 0 while reading. */
  private byte pausedFor;
  /** The write-stall timer while {@link #PAUSED_FOR_WRITES}, else -1. */
  private long stallTimer = -1;
  private boolean closed;
  private int frameLength;
  /** The connection's context (set in start): replies are written from it only. */
  private Context context;
  /** The replies of one event-loop turn, written together (made in start, on the connection's context). */
  private Batcher<Buffer, Void> replies;

  TcpBridgeConnection(NetSocket socket, Publisher publisher, ApiKeyRing keys, TcpBridgeLimits limits) {
    this.socket = socket;
    this.publisher = publisher;
    this.keys = keys;
    this.limits = limits;
    this.parser = RecordParser.newFixed(4, this::record);
  }

  void start() {
    context = Vertx.currentContext();
    replies = new Batcher<>(context, BatchLimits.perTurn(Integer.MAX_VALUE).maxWeight(FLUSH_BYTES), this::writeReplies);
    // The publishes of one read are gathered while the parser runs and published together after it.
    socket.handler(buffer -> {
      unparsed += buffer.length();
      frameCompleted = false;
      try {
        parser.handle(buffer);
      } finally {
        publishGathered();
        watchFrame();
      }
    });
    socket.closeHandler(v -> {
      closed = true;
      cancelTimers();
    });
    // Also where an exception thrown while handling a frame ends up (RecordParser rethrows): log it, never hide it.
    socket.exceptionHandler(e -> {
      LOG.warn("TCP bridge connection from {} closed: {}", socket.remoteAddress(), e.toString(), e);
      socket.close();
    });
  }

  private void record(Buffer buf) {
    unparsed -= buf.length();
    if (closed) return;
    if (expectLength) {
      long length = buf.getUnsignedInt(0);
      if (length > limits.maxFrameBytes()) {
        limits.meters().closedTooLarge().increment();
        err(null, ErrorCode.FRAME_TOO_LARGE, "frame of " + length + " bytes is over the limit of " + limits.maxFrameBytes());
        closeAfterWrites();
        return;
      }
      if (length == 0) {
        frameCompleted = true;
        err(null, ErrorCode.BAD_FRAME, "empty frame");
        return;
      }
      expectLength = false;
      frameLength = (int) length;
      parser.fixedSizeMode((int) length);
    } else {
      expectLength = true;
      frameCompleted = true;
      parser.fixedSizeMode(4);
      frame(buf);
    }
  }

  private void frame(Buffer buf) {
    JsonObject frame;
    try {
      frame = buf.toJsonObject();
    } catch (RuntimeException e) {
      err(null, ErrorCode.BAD_FRAME, "a frame must be a JSON object");
      return;
    }
    String type = frame.getValue("type") instanceof String s ? s : "";
    String replyAddress = frame.getValue("replyAddress") instanceof String s ? s : null;
    switch (type) {
      case "ping" -> write(new JsonObject().put("type", "pong"));
      case "send" -> send(frame, replyAddress);
      case "publish", "register", "unregister" -> err(replyAddress, ErrorCode.ACCESS_DENIED,
          "only send (request/reply) to " + Addresses.PUBLISH + " is permitted on this bridge");
      default -> err(replyAddress, ErrorCode.BAD_FRAME, "unknown frame type '" + type + "'");
    }
  }

  private void send(JsonObject frame, String replyAddress) {
    if (!Addresses.PUBLISH.equals(frame.getValue("address"))) {
      err(replyAddress, ErrorCode.ACCESS_DENIED, "only " + Addresses.PUBLISH + " is permitted on this bridge");
      return;
    }
    String refused = keyRefusal(frame.getValue("headers") instanceof JsonObject h ? h.getValue("apiKey") : null);
    if (refused != null) {
      err(replyAddress, ErrorCode.ACCESS_DENIED, refused);
      return;
    }
    long retryAfter = limits.publishes().admit("tcp");
    if (retryAfter > 0) {
      err(replyAddress, ErrorCode.RATE_LIMITED, limits.publishes().refusal(retryAfter));
      return;
    }
    PublishRequest request;
    try {
      request = publisher.parse(frame.getValue("body") instanceof JsonObject b ? b : null, null);
    } catch (PublishException e) {
      err(replyAddress, ErrorCode.BAD_FRAME, e.getMessage());
      return;
    }
    int weight = frameLength + TcpBridgeLimits.PUBLISH_OVERHEAD_BYTES;
    if (gathered == null) gathered = new ArrayList<>();
    gathered.add(new Gathered(request, replyAddress, weight));
    inFlightBytes += weight;
    if (inFlightBytes >= limits.maxInFlightBytes() && pauseReading(PAUSED_FOR_IN_FLIGHT)) {
      limits.meters().pausedInFlight().increment();
    }
  }

  /** A publish of the current read, with where its answer goes and what it counts against the in-flight bound. */
  private record Gathered(PublishRequest request, String replyAddress, int weight) {}

  /** Publishes what this read brought (one store call for all of it, see {@link Publisher#publishAll}). */
  private void publishGathered() {
    if (gathered == null) return;
    List<Gathered> batch = gathered;
    gathered = null;
    List<PublishRequest> requests = new ArrayList<>(batch.size());
    for (Gathered g : batch) requests.add(g.request());
    List<Future<JsonObject>> answers = publisher.publishAll(requests, "tcp");
    for (int i = 0; i < answers.size(); i++) {
      Gathered g = batch.get(i);
      answers.get(i).onComplete(ar -> onContext(() -> answered(g.replyAddress(), g.weight(), ar)));
    }
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) action.run();
    else context.runOnContext(v -> action.run());
  }

  private void answered(String replyAddress, int weight, AsyncResult<JsonObject> ar) {
    inFlightBytes -= weight;
    reply(replyAddress, ar);
    if ((pausedFor & PAUSED_FOR_IN_FLIGHT) != 0 && inFlightBytes < limits.maxInFlightBytes()) {
      resumeReading(PAUSED_FOR_IN_FLIGHT);
    }
  }

  private void reply(String replyAddress, AsyncResult<JsonObject> ar) {
    if (replyAddress == null || closed) return;
    if (ar.succeeded()) {
      write(new JsonObject().put("type", "message").put("address", replyAddress).put("body", ar.result()));
    } else if (ar.cause() instanceof StoreUnavailableException u) {
      err(replyAddress, ErrorCode.UNAVAILABLE, u.publicReason());
    } else {
      err(replyAddress, ErrorCode.INTERNAL_ERROR, "internal error");
    }
  }

  /** Why the frame's {@code headers.apiKey} is refused (no key, unknown or revoked, no publish scope), or null: let through. */
  private String keyRefusal(Object given) {
    if (!(given instanceof String text)) {
      keys.metrics().apiKeyRefused("missing", "tcp").increment();
      return "a valid apiKey header is required";
    }
    ApiKeys in = keys.current();
    // The same text as the last accepted frame, with the same key set: plain equals leaks nothing the caller did not
    // send itself. A reload makes a new set, so a revoked key is refused from the next frame on.
    if (in == acceptedIn && text.equals(acceptedText)) {
      acceptedCount.increment();
      return null;
    }
    ApiKeys.Key key = in.match(text);
    if (key == null) {
      keys.metrics().apiKeyRefused("unknown", "tcp").increment();
      return "unknown or revoked API key";
    }
    if (!key.allows(ApiScope.PUBLISH)) {
      keys.metrics().apiKeyRefused("scope", "tcp").increment();
      return "the API key '" + key.name() + "' lacks the scope '" + ApiScope.PUBLISH.label() + "' this bridge needs";
    }
    acceptedIn = in;
    acceptedText = text;
    acceptedCount = keys.metrics().apiKeyAccepted(key.name(), "tcp");
    acceptedCount.increment();
    return null;
  }

  private void err(String address, ErrorCode code, String message) {
    JsonObject err = new JsonObject().put("type", "err");
    if (address != null) err.put("address", address);
    write(err.put("failureCode", code.status()).put("failureType", code.code()).put("message", message));
  }

  /**
   * Queues a frame; the frames of one event-loop turn leave in one socket write at its end. A batch of publishes is
   * answered all at once, and a write per answer was a flush and a syscall per message (a fifth of the node's kernel
   * time on the batching door at 15k msg/s).
   */
  private void write(JsonObject frame) {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> write(frame));
      return;
    }
    if (closed) return;
    Buffer body = frame.toBuffer();
    // One read can hold thousands of tiny frames, each answered: the replies leave as they reach FLUSH_BYTES, so that a
    // full write queue pauses the parser within this read instead of after it.
    replies.offer(body, body.length() + 4L);
  }

  private void flushFrames() {
    replies.flush();
  }

  /** Sends one turn's replies (or FLUSH_BYTES of them) as one socket write. */
  private void writeReplies(List<Buffer> frames, Batcher.Answers<Void> ignored) {
    if (closed) return;
    int size = 0;
    for (Buffer f : frames) size += f.length() + 4;
    Buffer out = Buffer.buffer(size);
    for (Buffer f : frames) out.appendInt(f.length()).appendBuffer(f);
    socket.write(out);
    if (socket.writeQueueFull() && pauseReading(PAUSED_FOR_WRITES)) {
      limits.meters().pausedWrites().increment();
      socket.drainHandler(v -> {
        if ((pausedFor & PAUSED_FOR_WRITES) == 0) return;
        cancelStallTimer();
        resumeReading(PAUSED_FOR_WRITES);
      });
      stallTimer = context.owner().setTimer(limits.writeStallTimeoutMs(), id -> {
        stallTimer = -1;
        if ((pausedFor & PAUSED_FOR_WRITES) == 0 || closed) return;
        limits.meters().closedStall().increment();
        LOG.debug("TCP bridge connection from {} closed: its replies were not read for {} ms", socket.remoteAddress(),
            limits.writeStallTimeoutMs());
        closeNow();
      });
    }
  }

  /**
   * Stops reading for this reason: the socket and the frames the parser already holds.
   *
   * @return false when already paused for this reason (then nothing changed)
   */
  private boolean pauseReading(byte reason) {
    if ((pausedFor & reason) != 0) return false;
    boolean wasReading = pausedFor == 0;
    pausedFor |= reason;
    if (wasReading) {
      parser.pause();
      socket.pause();
      // Not the caller's slowness while we do not read.
      frameStartNanos = 0;
    }
    return true;
  }

  /** Drops this reason to stop reading; reads again (first what the parser holds) when no other reason is left. */
  private void resumeReading(byte reason) {
    pausedFor &= (byte) ~reason;
    if (pausedFor != 0 || closed) return;
    frameCompleted = false;
    try {
      parser.resume(); // parses what it held, which may pause again
    } finally {
      publishGathered();
      watchFrame();
    }
    if (pausedFor == 0) socket.resume();
  }

  /** After a read: starts the frame clock when a frame is incomplete, stops it when none is. */
  private void watchFrame() {
    if (unparsed <= 0 || pausedFor != 0 || closed) {
      frameStartNanos = 0;
      return;
    }
    if (frameStartNanos == 0 || frameCompleted) frameStartNanos = System.nanoTime();
    if (frameTimer < 0) armFrameTimer(limits.frameTimeoutMs());
  }

  // One timer at a time per connection, re-armed for the rest of the current frame's time, not one per read.
  private void armFrameTimer(long delayMs) {
    frameTimer = context.owner().setTimer(Math.max(1, delayMs), id -> {
      frameTimer = -1;
      if (frameStartNanos == 0 || closed) return;
      long elapsedMs = (System.nanoTime() - frameStartNanos) / 1_000_000;
      if (elapsedMs < limits.frameTimeoutMs()) {
        armFrameTimer(limits.frameTimeoutMs() - elapsedMs);
        return;
      }
      limits.meters().closedFrameTimeout().increment();
      err(null, ErrorCode.BAD_FRAME, "a frame must be complete within " + limits.frameTimeoutMs() + " ms of its first byte");
      closeAfterWrites();
    });
  }

  /**
   * Writes what is queued, then closes; a peer that does not read its answer is dropped at once, and one that stops
   * reading before the close is written is dropped {@code writeStallTimeoutMs} later.
   */
  private void closeAfterWrites() {
    flushFrames();
    parser.handler(b -> {});
    closed = true;
    cancelTimers();
    if (socket.writeQueueFull()) SocketReset.now(socket);
    else SocketReset.closeWithin(socket, limits.writeStallTimeoutMs());
  }

  /** Drops the connection with a reset, without waiting for queued writes (they are discarded with the channel). */
  private void closeNow() {
    closed = true;
    cancelTimers();
    SocketReset.now(socket);
  }

  private void cancelStallTimer() {
    if (stallTimer >= 0) context.owner().cancelTimer(stallTimer);
    stallTimer = -1;
  }

  private void cancelTimers() {
    cancelStallTimer();
    if (frameTimer >= 0) context.owner().cancelTimer(frameTimer);
    frameTimer = -1;
  }
}
