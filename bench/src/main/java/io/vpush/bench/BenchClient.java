package io.vpush.bench;

import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * One simulated client on the raw WebSocket endpoint: registers its user stream with a token, records the latency of
 * every message from its payload timestamp, and acks cumulatively once per burst (not once per message).
 */
final class BenchClient {

  private static final String PING = new JsonObject().put("type", "ping").encode();

  final String user;
  final String clientId;
  private final FleetCounters counters;
  private final LatencyRecorder latency;

  private volatile Channel ws;
  private volatile boolean acking = true;
  private volatile boolean closing;
  private volatile long lastSendNanos;
  private Promise<Void> registered;

  // Seq bookkeeping, written on the connection's event loop only; volatile so the fleet may read it between phases.
  private volatile long highestSeq;
  private volatile long lastAcked;
  private boolean ackScheduled;
  // Catch-up after a reconnect: the replay must bring every seq in (lastAcked, replayTarget] once, in order.
  private volatile long replayNext = 1;
  private volatile long replayTarget;

  BenchClient(String user, String clientId, FleetCounters counters, LatencyRecorder latency) {
    this.user = user;
    this.clientId = clientId;
    this.counters = counters;
    this.latency = latency;
  }

  /** Connects and registers; completes when the server confirms with {@code control: registered}. */
  Future<Void> connect(WsDialer dialer, String source, String host, int port, String path, String token, Long lastSeq) {
    ws = null; // a previous socket's late close event must not look like the current one's
    closing = false;
    registered = Promise.promise();
    Promise<Void> done = registered;
    return dialer.dial(source, host, port, path, new WsDialer.Listener() {
      @Override
      public void onText(String text) { BenchClient.this.onText(text); }

      @Override
      public void onClose(Channel socket) { BenchClient.this.onClose(socket, done); }
    }).compose(socket -> {
      ws = socket;
      JsonObject headers = new JsonObject().put("token", token).put("clientId", clientId);
      if (lastSeq != null) headers.put("lastSeq", Long.toString(lastSeq));
      lastSendNanos = System.nanoTime();
      WsDialer.send(socket, new JsonObject().put("type", "register").put("address", "vpush.user." + user)
          .put("headers", headers).encode());
      return done.future();
    });
  }

  /** Closes the socket on purpose (not counted as an error). */
  Future<Void> close() {
    closing = true;
    Channel s = ws;
    return s == null ? Future.succeededFuture() : WsDialer.close(s);
  }

  void setAcking(boolean on) { acking = on; }

  long highestSeq() { return highestSeq; }

  long lastAcked() { return lastAcked; }

  /** From now on, expect the server to replay every seq after {@link #lastAcked()} up to the highest one seen. */
  void expectReplay() {
    replayTarget = highestSeq;
    replayNext = lastAcked + 1;
  }

  boolean caughtUp() { return replayNext > replayTarget; }

  long missing() { return caughtUp() ? 0 : replayTarget - replayNext + 1; }

  void pingIfIdle(long nowNanos, long idleNanos) {
    if (!closing && nowNanos - lastSendNanos >= idleNanos) send(PING);
  }

  private void send(String text) {
    Channel s = ws;
    if (s == null) return; // between a drop and its reconnect
    lastSendNanos = System.nanoTime();
    WsDialer.send(s, text);
  }

  private void onText(String text) {
    RecFrame.Rec rec = RecFrame.parse(text);
    if (rec != null) {
      onMessage(rec.seq(), rec.dueMicros());
      return;
    }
    JsonObject frame = new JsonObject(text);
    String type = frame.getString("type");
    if ("rec".equals(type)) {
      JsonObject headers = frame.getJsonObject("headers");
      if (headers == null) return;
      String control = headers.getString("control");
      if (control != null) {
        if ("registered".equals(control) && registered != null) registered.tryComplete();
        return;
      }
      String seqText = headers.getString("seq");
      Object body = frame.getValue("body");
      onMessage(seqText == null ? 0 : Long.parseLong(seqText),
          body instanceof JsonObject b && b.getValue("t") instanceof Number t ? t.longValue() : -1);
    } else if ("err".equals(type)) {
      counters.errFrames.increment();
      if (registered != null) registered.tryFail("err " + frame.getString("failureType") + ": " + frame.getString("message"));
    }
  }

  private void onMessage(long seq, long dueMicros) {
    if (seq > 0 && seq <= replayTarget) {
      // A replayed (caught-up) message: its latency is the time it spent offline, so it is not a delivery latency.
      if (seq == replayNext) replayNext++;
      scheduleAck();
      return;
    }
    counters.delivered.increment();
    if (dueMicros >= 0) latency.record(MicroClock.nowMicros() - dueMicros);
    if (seq > 0) {
      if (seq <= highestSeq) {
        counters.duplicates.increment();
      } else {
        if (seq > highestSeq + 1) counters.gaps.add(seq - highestSeq - 1);
        highestSeq = seq;
      }
    }
    scheduleAck();
  }

  private void scheduleAck() {
    Channel s = ws;
    if (!acking || ackScheduled || s == null) return;
    ackScheduled = true;
    // Runs after the event loop has handled the frames already read: one cumulative ack per burst.
    s.eventLoop().execute(this::sendAck);
  }

  private void sendAck() {
    ackScheduled = false;
    long upTo = Math.max(highestSeq, replayNext - 1);
    if (!acking || closing || upTo <= lastAcked) return;
    counters.acksSent.increment();
    counters.ackedMessages.add(upTo - lastAcked);
    lastAcked = upTo;
    send("{\"type\":\"send\",\"address\":\"vpush.ack\",\"body\":{\"seq\":" + upTo + "}}");
  }

  private void onClose(Channel socket, Promise<Void> reg) {
    // A socket dropped on purpose may report its close after its replacement started connecting: only the current
    // socket, closed by the other side, counts as an error.
    if (socket == ws && !closing) counters.closedUnexpectedly.increment();
    reg.tryFail("closed before registered");
  }
}
