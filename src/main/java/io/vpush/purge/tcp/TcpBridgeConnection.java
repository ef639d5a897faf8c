package io.vpush.purge.tcp;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vpush.protocol.Addresses;
import io.vpush.protocol.ErrorCode;
import io.vpush.purge.PublishException;
import io.vpush.purge.PublishRequest;
import io.vpush.purge.Publisher;
import io.vpush.store.StoreUnavailableException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * One TCP bridge connection: reads length-prefixed JSON frames (checking the length before buffering the body),
 * answers {@code ping} with {@code pong} and {@code send} to {@code vpush.publish} with a {@code message} frame
 * to the caller's {@code replyAddress}; everything else gets an {@code err} frame. The publishes of one read (a
 * pipelining caller sends many per write) are published together, as one store call.
 */
final class TcpBridgeConnection {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TcpBridgeConnection.class);

  private final NetSocket socket;
  private final Publisher publisher;
  private final byte[] apiKey;
  private final int maxFrameBytes;
  private final RecordParser parser;
  private boolean expectLength = true;
  private List<PublishRequest> gathered = new ArrayList<>();
  private List<String> replyTo = new ArrayList<>();
  /** The connection's context (set in start): replies are written from it only. */
  private Context context;
  /** Frames written in this event-loop turn, not yet handed to the socket. */
  private Buffer pending;

  TcpBridgeConnection(NetSocket socket, Publisher publisher, String apiKey, int maxFrameBytes) {
    this.socket = socket;
    this.publisher = publisher;
    this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
    this.maxFrameBytes = maxFrameBytes;
    this.parser = RecordParser.newFixed(4, this::record);
  }

  void start() {
    context = Vertx.currentContext();
    // The publishes of one read are gathered while the parser runs and published together after it.
    socket.handler(buffer -> {
      try {
        parser.handle(buffer);
      } finally {
        publishGathered();
      }
    });
    // Also where an exception thrown while handling a frame ends up (RecordParser rethrows): log it, never hide it.
    socket.exceptionHandler(e -> {
      LOG.warn("TCP bridge connection from {} closed: {}", socket.remoteAddress(), e.toString(), e);
      socket.close();
    });
  }

  private void record(Buffer buf) {
    if (expectLength) {
      long length = buf.getUnsignedInt(0);
      if (length > maxFrameBytes) {
        err(null, ErrorCode.FRAME_TOO_LARGE, "frame of " + length + " bytes is over the limit of " + maxFrameBytes);
        flushFrames();
        socket.close();
        parser.handler(b -> {});
        return;
      }
      if (length == 0) {
        err(null, ErrorCode.BAD_FRAME, "empty frame");
        return;
      }
      expectLength = false;
      parser.fixedSizeMode((int) length);
    } else {
      expectLength = true;
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
    if (!keyMatches(frame.getValue("headers") instanceof JsonObject h ? h.getValue("apiKey") : null)) {
      err(replyAddress, ErrorCode.ACCESS_DENIED, "a valid apiKey header is required");
      return;
    }
    PublishRequest request;
    try {
      request = publisher.parse(frame.getValue("body") instanceof JsonObject b ? b : null, null);
    } catch (PublishException e) {
      err(replyAddress, ErrorCode.BAD_FRAME, e.getMessage());
      return;
    }
    gathered.add(request);
    replyTo.add(replyAddress);
  }

  /** Publishes what this read brought (one store call for all of it, see {@link Publisher#publishAll}). */
  private void publishGathered() {
    if (gathered.isEmpty()) return;
    List<Future<JsonObject>> answers = publisher.publishAll(gathered, "tcp");
    for (int i = 0; i < answers.size(); i++) {
      String replyAddress = replyTo.get(i);
      answers.get(i).onComplete(ar -> reply(replyAddress, ar));
    }
    gathered = new ArrayList<>();
    replyTo = new ArrayList<>();
  }

  private void reply(String replyAddress, AsyncResult<JsonObject> ar) {
    if (replyAddress == null) return;
    if (ar.succeeded()) {
      write(new JsonObject().put("type", "message").put("address", replyAddress).put("body", ar.result()));
    } else if (ar.cause() instanceof StoreUnavailableException) {
      err(replyAddress, ErrorCode.UNAVAILABLE, "the store is unavailable, retry later");
    } else {
      err(replyAddress, ErrorCode.INTERNAL_ERROR, "internal error");
    }
  }

  private boolean keyMatches(Object given) {
    if (apiKey == null) return true;
    return given instanceof String s && MessageDigest.isEqual(apiKey, s.getBytes(StandardCharsets.UTF_8));
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
    Buffer body = frame.toBuffer();
    if (pending == null) {
      pending = Buffer.buffer(Math.max(1024, body.length() + 4));
      context.runOnContext(v -> flushFrames());
    }
    pending.appendInt(body.length()).appendBuffer(body);
  }

  private void flushFrames() {
    if (pending == null) return;
    Buffer out = pending;
    pending = null;
    socket.write(out);
  }
}
