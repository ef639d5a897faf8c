package io.vpush.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.protocol.Addresses;
import io.vpush.protocol.ClientFrame;
import io.vpush.protocol.CloseCodes;
import io.vpush.protocol.ErrorCode;
import io.vpush.protocol.FrameCodec;
import io.vpush.protocol.FrameException;
import io.vpush.protocol.ServerFrames;
import io.vpush.store.StoredMessage;

import java.nio.charset.StandardCharsets;

/** Handles every frame a client sends (protocol.md section 3); one per node, stateless: a session's state is its own. */
public final class ClientFrameHandler {

  /** What a sync reply frame holds besides its messages (address, lastSeq, more, gap), generously. */
  private static final int SYNC_ENVELOPE_CHARS = 256;

  private final AccessSettings settings;
  private final TopicPolicy topicPolicy;
  private final Registrar registrar;

  ClientFrameHandler(AccessSettings settings, TopicPolicy topicPolicy, Registrar registrar) {
    this.settings = settings;
    this.topicPolicy = topicPolicy;
    this.registrar = registrar;
  }

  void handle(Session session, String text) {
    if (session.isClosed()) return;
    session.touched();
    if (tooLarge(text)) {
      session.write(ServerFrames.error(null, ErrorCode.FRAME_TOO_LARGE, "frame larger than " + settings.frameMaxBytes + " bytes"));
      session.close(CloseCodes.TOO_LARGE, "frame too large", "too_large");
      return;
    }
    ClientFrame frame;
    FrameException bad = null;
    try {
      frame = FrameCodec.parse(text);
    } catch (FrameException e) {
      frame = null;
      bad = e;
    }
    InboundLimits.Verdict verdict = session.admitFrame();
    if (verdict != InboundLimits.Verdict.ACCEPT) {
      session.refused(verdict, frame == null ? null : answerAddress(frame), "frames");
      return;
    }
    if (bad != null) {
      session.write(ServerFrames.error(null, bad.code(), bad.getMessage()));
      return;
    }
    switch (frame.type()) {
      case "ping" -> {
        if (session.transport().answersPing()) session.write(ServerFrames.PONG);
      }
      case "register" -> register(session, frame);
      case "unregister" -> unregister(session, frame);
      case "send" -> send(session, frame);
      default -> deny(session, frame, "clients may not publish; use send");
    }
  }

  private void register(Session session, ClientFrame frame) {
    String address = frame.address();
    if (address.startsWith(Addresses.USER_PREFIX) && address.length() > Addresses.USER_PREFIX.length()) {
      registrar.register(session, frame, address.substring(Addresses.USER_PREFIX.length()));
    } else if (address.startsWith(Addresses.TOPIC_PREFIX) && address.length() > Addresses.TOPIC_PREFIX.length()) {
      String topic = address.substring(Addresses.TOPIC_PREFIX.length());
      if (!session.isRegistered()) {
        error(session, address, ErrorCode.NOT_REGISTERED, "register the user stream before subscribing to topics");
      } else if (!topicPolicy.allows(session.claims(), topic)) {
        deny(session, frame, "not allowed to subscribe to this topic");
      } else if (session.topics().size() >= settings.inbound.maxTopics() && !session.topics().contains(topic)) {
        // access_denied, not rate_limited: retrying later does not help, unsubscribing from another topic does.
        session.shard().metrics().topicSubscriptionRefused();
        deny(session, frame, "at most " + settings.inbound.maxTopics() + " topic subscriptions per connection");
      } else {
        session.addTopic(topic);
      }
    } else {
      deny(session, frame, "unknown address");
    }
  }

  private void unregister(Session session, ClientFrame frame) {
    String address = frame.address();
    if (address.startsWith(Addresses.TOPIC_PREFIX)) {
      session.removeTopic(address.substring(Addresses.TOPIC_PREFIX.length()));
    }
    // Unregistering the user stream is a no-op: the stream ends with the connection (docs/protocol.md).
  }

  private void send(Session session, ClientFrame frame) {
    String address = frame.address();
    String answerTo = frame.replyAddress() != null ? frame.replyAddress() : address;
    boolean known = address.equals(Addresses.ACK) || address.equals(Addresses.SYNC) || address.equals(Addresses.UPSTREAM)
        || address.equals(Addresses.REFRESH);
    if (!known) {
      deny(session, frame, "clients may send only to vpush.ack, vpush.sync, vpush.upstream and vpush.refresh");
      return;
    }
    if (!session.isRegistered()) {
      error(session, answerTo, ErrorCode.NOT_REGISTERED, "register the user stream first");
      return;
    }
    switch (address) {
      case Addresses.ACK -> ack(session, frame, answerTo);
      case Addresses.SYNC -> sync(session, frame, answerTo);
      case Addresses.REFRESH -> refresh(session, frame, answerTo);
      default -> upstream(session, frame, answerTo);
    }
  }

  private void ack(Session session, ClientFrame frame, String answerTo) {
    JsonObject body = frame.bodyObject();
    Long seq = body == null ? null : nonNegative(body.getValue("seq"));
    if (seq == null) {
      error(session, answerTo, ErrorCode.BAD_FRAME, "ack body must be {\"seq\": <non-negative integer>}");
      return;
    }
    // The reply means the cursor is stored: a client that reconnects right after it resumes from there.
    session.ack(seq).onComplete(ar -> session.onContext(() -> {
      if (frame.replyAddress() == null) return;
      if (ar.failed()) error(session, answerTo, ErrorCode.UNAVAILABLE, "store unavailable, retry later");
      else session.write(ServerFrames.reply(frame.replyAddress(), new JsonObject().put("ok", true)));
    }));
  }

  private void sync(Session session, ClientFrame frame, String answerTo) {
    JsonObject body = frame.bodyObject();
    Long since = body == null ? null : (body.getValue("since") == null ? Long.valueOf(0) : nonNegative(body.getValue("since")));
    Long limit = body == null ? null : (body.getValue("limit") == null ? Long.valueOf(settings.syncDefaultLimit) : nonNegative(body.getValue("limit")));
    if (since == null || limit == null || limit == 0) {
      error(session, answerTo, ErrorCode.BAD_FRAME, "sync body must be {\"since\": <seq>, \"limit\": <1.." + settings.syncMaxLimit + ">}");
      return;
    }
    int capped = (int) Math.min(limit, settings.syncMaxLimit);
    // Each read out holds up to a reply's worth of the node's memory (and Redis's) until answered: bounded per
    // connection, over it refused at once (ten syncs of 1,000 large messages were an OutOfMemoryError).
    if (!session.beginSync()) {
      session.shard().metrics().syncRefused();
      error(session, answerTo, ErrorCode.RATE_LIMITED, "too many vpush.sync requests in flight (at most "
          + settings.syncMaxInFlight + "); wait for their replies");
      return;
    }
    // The store stops the page at what the reply can carry: at most half the outbound bound (cut exactly below).
    long room0 = settings.outbound.pacedMaxBytes() - SYNC_ENVELOPE_CHARS;
    session.shard().store().read(session.userId(), since, capped, Math.max(1, room0)).onComplete(ar -> session.onContext(() -> {
      session.endSync();
      if (ar.failed()) {
        error(session, answerTo, ErrorCode.UNAVAILABLE, "store unavailable, retry later");
        return;
      }
      // A reply takes at most half the outbound bound (at least one message): sent whole, a page of large messages
      // could pass the bound and close the client as a slow consumer. Cut short, it says more.
      long room = settings.outbound.pacedMaxBytes() - SYNC_ENVELOPE_CHARS;
      JsonArray messages = new JsonArray();
      boolean cut = false;
      for (StoredMessage m : ar.result().messages()) {
        if (!m.isFor(session.device())) continue;
        JsonObject entry = m.toSyncEntry();
        room -= entry.encode().length() + 1;
        if (room < 0 && !messages.isEmpty()) {
          cut = true;
          break;
        }
        messages.add(entry);
      }
      JsonObject reply = new JsonObject().put("messages", messages).put("lastSeq", ar.result().lastSeq())
          .put("more", cut || ar.result().more());
      if (ar.result().gap()) reply.put("gap", true);
      if (frame.replyAddress() != null) session.write(ServerFrames.reply(frame.replyAddress(), reply));
    }));
  }

  /**
   * A fresh token for this connection: verified like a register's (same user, same device rules), it replaces the old
   * grant (deadline, warning, topics); refused, the connection keeps its old token and deadline.
   */
  private void refresh(Session session, ClientFrame frame, String answerTo) {
    JsonObject body = frame.bodyObject();
    Object token = body == null ? null : body.getValue("token");
    if (!(token instanceof String t) || t.isBlank()) {
      session.shard().metrics().tokenRefresh(false);
      error(session, answerTo, ErrorCode.BAD_FRAME, "refresh body must be {\"token\": \"<jwt>\"}");
      return;
    }
    if (!session.beginRefresh()) {
      session.shard().metrics().tokenRefresh(false);
      error(session, answerTo, ErrorCode.RATE_LIMITED, "a vpush.refresh is being verified already; wait for its reply");
      return;
    }
    registrar.verifyRefresh(session, t).onComplete(ar -> session.onContext(() -> {
      session.endRefresh();
      if (!session.isRegistered()) return; // closed meanwhile
      if (ar.failed()) {
        session.shard().metrics().tokenRefresh(false);
        // Fixed texts from the verifier and the subject/device check, never the token.
        error(session, answerTo, ErrorCode.ACCESS_DENIED, ar.cause().getMessage());
        return;
      }
      java.util.List<String> dropped = session.refreshed(ar.result(), topicPolicy);
      session.shard().metrics().tokenRefresh(true);
      if (frame.replyAddress() == null) return;
      JsonObject reply = new JsonObject().put("ok", true);
      long deadline = session.tokenCloseAt();
      if (deadline != TokenDeadlines.NEVER) reply.put("deadline", deadline);
      if (!dropped.isEmpty()) reply.put("dropped", new JsonArray(dropped));
      session.write(ServerFrames.reply(frame.replyAddress(), reply));
    }));
  }

  private void upstream(Session session, ClientFrame frame, String answerTo) {
    InboundLimits.Verdict verdict = session.admitUpstream();
    if (verdict != InboundLimits.Verdict.ACCEPT) {
      session.refused(verdict, answerTo, "upstream");
      return;
    }
    JsonObject record = new JsonObject()
        .put("user", session.userId()).put("clientId", session.clientId()).put("device", session.device())
        .put("node", session.shard().nodeId()).put("ts", session.shard().clock().nowMs())
        .put("headers", new JsonObject(new java.util.HashMap<>(frame.headers())))
        .put("body", frame.body());
    session.shard().upstream().upstream(session.userId(), record).onComplete(ar -> session.onContext(() -> {
      if (ar.failed()) error(session, answerTo, ErrorCode.UNAVAILABLE, "upstream unavailable, retry later");
      else if (frame.replyAddress() != null) session.write(ServerFrames.reply(frame.replyAddress(), new JsonObject().put("ok", true)));
    }));
  }

  private boolean tooLarge(String text) {
    int max = settings.frameMaxBytes;
    if (text.length() > max) return true;
    // Only long frames can be over in UTF-8 bytes; count bytes just for those.
    return text.length() * 3L > max && text.getBytes(StandardCharsets.UTF_8).length > max;
  }

  private static void deny(Session session, ClientFrame frame, String message) {
    error(session, answerAddress(frame), ErrorCode.ACCESS_DENIED, message);
  }

  /** Where an error about {@code frame} goes: its replyAddress, else its address. */
  private static String answerAddress(ClientFrame frame) {
    return frame.replyAddress() != null ? frame.replyAddress() : frame.address();
  }

  private static void error(Session session, String address, ErrorCode code, String message) {
    session.write(ServerFrames.error(address, code, message));
  }

  private static Long nonNegative(Object raw) {
    if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= 0) return n.longValue();
    if (raw instanceof String s) {
      try {
        long v = Long.parseLong(s.trim());
        return v >= 0 ? v : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
