package io.vpush.access;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.protocol.CloseCodes;
import io.vpush.protocol.ServerFrames;
import io.vpush.store.InboxPage;
import io.vpush.store.Route;
import io.vpush.store.StoredMessage;
import io.vpush.time.TimingWheel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection: its user stream, its place in the seq order, its unacked messages, its outbound
 * bound and its one timer. Lives on one event loop; calls from elsewhere hop onto it.
 */
public final class Session extends TimingWheel.Entry {

  private static final AtomicLong IDS = new AtomicLong();
  /** Lifecycle at debug, store failures at warn: ids only, never a token or a payload. */
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);
  /** Catch-up reads this many messages at a time... */
  private static final int READ_PAGE = 100;
  /** ...and waits while more than this many frames are still queued to the socket. */
  private static final int READ_PAUSE_FRAMES = 200;

  /**
   * JOINING: in the hub and the route table, waiting for the first catch-up page, which carries the lastSeq for
   * {@code control: registered}. Client frames that need a user stream wait for REGISTERED.
   */
  private enum State { OPEN, REGISTERING, JOINING, REGISTERED, CLOSED }

  private final AccessNode node;
  private final Transport transport;
  private final Context context;
  private final TimingWheel wheel;
  private final String connectionId;
  private final long connectedAt;
  private long lastFrameAt;
  private State state = State.OPEN;

  private String userId;
  private String clientId;
  private String device;
  private TokenClaims claims;
  private long registeredAt;
  /** Set by a newer connection of the same client that took over this one's route entry. */
  private volatile boolean replaced;

  private SeqGate<Outbound> gate;
  private AckTracker<Outbound> acks;
  private Set<String> topics;
  private int queuedFrames;
  private long queuedBytes;
  private boolean readWaitingForDrain;
  private int readFailures;
  private String endReason = "client_close";

  Session(AccessNode node, Transport transport, Context context, TimingWheel wheel) {
    this.node = node;
    this.transport = transport;
    this.context = context;
    this.wheel = wheel;
    this.connectionId = node.nodeId + "-" + Long.toString(IDS.incrementAndGet(), 36);
    this.connectedAt = node.clock.nowMs();
    this.lastFrameAt = connectedAt;
    node.metrics.connect(transport.kind());
    LOG.debug("connect conn={} transport={}", connectionId, transport.kind());
    scheduleTimer();
  }

  public String userId() { return userId; }
  public String clientId() { return clientId; }
  String device() { return device; }
  TokenClaims claims() { return claims; }
  Transport transport() { return transport; }
  String connectionId() { return connectionId; }
  boolean isOpen() { return state == State.OPEN; }
  boolean isRegistered() { return state == State.REGISTERED; }
  boolean isClosed() { return state == State.CLOSED; }

  Set<String> topics() {
    return topics == null ? Set.of() : topics;
  }

  void addTopic(String topic) {
    if (topics == null) topics = new HashSet<>(4);
    if (topics.add(topic)) node.hub.subscribe(topic, this);
  }

  void removeTopic(String topic) {
    if (topics != null && topics.remove(topic)) node.hub.unsubscribe(topic, this);
  }

  /** Any frame from the client counts as life. */
  void touched() {
    lastFrameAt = node.clock.nowMs();
  }

  void markRegistering() {
    state = State.REGISTERING;
  }

  void markOpenAgain() {
    if (state == State.REGISTERING) state = State.OPEN;
  }

  void markReplaced() {
    replaced = true;
  }

  /**
   * Completes a register: from here live messages reach this session, and it catches up from {@code cursor}.
   * The first catch-up page carries the user's lastSeq, so {@code control: registered} goes out when it answers,
   * before the page's messages. Called on this session's event loop, after the token check and the cursor read.
   *
   * @return succeeds once {@code control: registered} is written; fails when the first read fails (the session is
   *     then OPEN again, as before the register, and the client may register again) or the session closed meanwhile
   */
  Future<Void> registered(String userId, String clientId, String device, TokenClaims claims, long cursor) {
    this.userId = userId;
    this.clientId = clientId;
    this.device = device;
    this.claims = claims;
    this.registeredAt = node.clock.nowMs();
    this.state = State.JOINING;
    this.gate = new SeqGate<>(cursor, Outbound::seq);
    // Hub and route before the read: a message accepted while the read is out reaches the gate, which holds it.
    node.hub.add(this);
    if (LOG.isDebugEnabled()) LOG.debug("register conn={} user={} clientId={} device={} cursor={}", connectionId, userId, clientId, device, cursor);
    node.store.putRoutes(List.of(route()), node.routeTtlMs);
    Promise<Void> confirmed = Promise.promise();
    gate.beginRead();
    node.store.read(userId, cursor, READ_PAGE).onComplete(ar -> onContext(() -> {
      if (state != State.JOINING) {
        confirmed.fail("connection closed during register"); // closed() has already left the hub and the routes
        return;
      }
      if (ar.failed()) {
        rollBack();
        confirmed.fail(ar.cause());
        return;
      }
      InboxPage page = ar.result();
      state = State.REGISTERED;
      node.metrics.connectionOpened(transport.kind(), device);
      node.upstream.presence(userId, presenceEvent("connect"));
      write(ServerFrames.control(userId, "registered", new JsonObject().put("lastSeq", page.lastSeq()).put("node", node.nodeId)));
      onPage(page);
      confirmed.complete();
    }));
    return confirmed.future();
  }

  /** The first read failed: back to OPEN as before the register, so the client may register again on this connection. */
  private void rollBack() {
    leaveHub();
    state = State.OPEN;
    gate = null;
    acks = null;
    userId = null;
    clientId = null;
    device = null;
    claims = null;
  }

  /** A live message for this user; from any thread. */
  void offer(Outbound out) {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> offer(out));
      return;
    }
    if (state != State.JOINING && state != State.REGISTERED) return;
    if (gate.offer(out, this::send)) readMore();
  }

  /** A ready frame (topic message); from any thread. */
  void offerFrame(String frame) {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> offerFrame(frame));
      return;
    }
    if (state == State.REGISTERED) write(frame);
  }

  /** A cumulative ack from the client; completes when the cursor is stored. */
  Future<Void> ack(long seq) {
    if (acks != null) {
      long now = node.clock.nowMs();
      acks.ack(seq, out -> node.metrics.acked(out.message().ts(), now));
    }
    return node.store.ack(userId, clientId, seq).onFailure(e -> {
      node.metrics.problem("warn", "store");
      LOG.warn("ack not stored user={} clientId={} seq={}: {}", userId, clientId, seq, e.toString());
    });
  }

  /** Reads the next inbox page into the gate, unless the socket is backed up (then it resumes on drain). */
  private void readMore() {
    if (state != State.REGISTERED) return;
    if (queuedFrames > READ_PAUSE_FRAMES) {
      readWaitingForDrain = true;
      return;
    }
    gate.beginRead();
    node.store.read(userId, gate.cursor(), READ_PAGE).onComplete(ar -> onContext(() -> {
      if (state != State.REGISTERED) return;
      if (ar.failed()) {
        retryRead();
        return;
      }
      readFailures = 0;
      onPage(ar.result());
    }));
  }

  /** Hands a page to the gate, and reads on while the gate asks for more. */
  private void onPage(InboxPage page) {
    List<Outbound> outs = new ArrayList<>(page.messages().size());
    for (StoredMessage m : page.messages()) outs.add(new Outbound(m));
    if (!outs.isEmpty()) ackTracker().reserve(outs.size());
    if (gate.onPage(outs, page.more(), this::send)) readMore();
  }

  private void retryRead() {
    node.metrics.problem("warn", "store");
    if (readFailures == 0) LOG.warn("inbox read failed user={} clientId={}; retrying", userId, clientId);
    long delay = Math.min(30_000, 500L << Math.min(readFailures++, 6));
    node.vertx.setTimer(delay, id -> onContext(this::readMore));
  }

  private void send(Outbound out) {
    StoredMessage m = out.message();
    if (!m.isFor(device)) return;
    write(out.frame());
    if (state == State.CLOSED) return; // the write found a slow consumer: nothing was delivered
    long now = node.clock.nowMs();
    node.metrics.delivered(m.ts(), now);
    ackTracker().sent(m.seq(), out, now);
    scheduleTimer();
  }

  /** Writes a frame within the outbound bound; past it the client is a slow consumer and is closed. */
  void write(String frame) {
    if (state == State.CLOSED) return;
    int size = frame.length();
    queuedFrames++;
    queuedBytes += size;
    if (queuedFrames > node.outboundMaxMessages || queuedBytes > node.outboundMaxBytes) {
      close(CloseCodes.POLICY, "slow consumer", "slow_consumer");
      return;
    }
    node.metrics.outboundQueued(size);
    transport.write(frame).onComplete(ar -> {
      node.metrics.outboundQueued(-size);
      queuedFrames--;
      queuedBytes -= size;
      if (readWaitingForDrain && queuedFrames <= READ_PAUSE_FRAMES / 2) {
        readWaitingForDrain = false;
        readMore();
      }
    });
  }

  /** The session's unacked-message tracker, made on the first send (an idle connection has none). */
  private AckTracker<Outbound> ackTracker() {
    if (acks == null) acks = new AckTracker<>(node.backoff);
    return acks;
  }

  @Override
  protected void onTimeout(long now) {
    if (state == State.CLOSED) return;
    if (state != State.REGISTERED && now >= connectedAt + node.authTimeoutMs) {
      close(CloseCodes.NOT_AUTHENTICATED, "not authenticated in time", "auth_failed");
      return;
    }
    if (now - lastFrameAt >= node.idleTimeoutMs) {
      close(CloseCodes.POLICY, "idle timeout", "idle_timeout");
      return;
    }
    if (acks != null) {
      acks.collectDueWithAttempts(now, (out, attempt) -> {
        write(out.frame());
        node.metrics.resent(attempt);
      }, seq -> node.metrics.givenUp());
    }
    scheduleTimer();
  }

  /** Keeps the one wheel entry at the earliest of the auth, idle and ack deadlines. */
  private void scheduleTimer() {
    long next = lastFrameAt + node.idleTimeoutMs;
    if (state != State.REGISTERED) next = Math.min(next, connectedAt + node.authTimeoutMs);
    if (acks != null) next = Math.min(next, acks.nextDeadline());
    if (!isScheduled() || next < deadline() || deadline() <= node.clock.nowMs()) wheel.schedule(this, next);
  }

  /** Tells the client it was replaced or kicked, then closes with 4003; from any thread. */
  void kick() {
    onContext(() -> {
      if (state == State.CLOSED) return;
      if (userId != null) write(ServerFrames.control(userId, "kicked", new JsonObject()));
      close(CloseCodes.KICKED, "kicked", "kicked");
    });
  }

  /** Tells the client to reconnect elsewhere after {@code afterMs}, then closes with 1012; from any thread. */
  public void reconnectElsewhere(long afterMs) {
    onContext(() -> {
      if (state == State.CLOSED) return;
      if (userId != null) write(ServerFrames.control(userId, "reconnect", new JsonObject().put("afterMs", afterMs)));
      close(CloseCodes.SERVICE_RESTART, "service restart", "shutdown");
    });
  }

  void close(short code, String reason, String metricReason) {
    if (state == State.CLOSED) return;
    endReason = metricReason;
    transport.close(code, reason);
    closed();
  }

  /** The socket is gone (closed by either side): leave the hub and the route table. Idempotent. */
  void closed() {
    if (state == State.CLOSED) return;
    State was = state;
    state = State.CLOSED;
    wheel.cancel(this);
    node.metrics.disconnect(endReason);
    if (LOG.isDebugEnabled()) LOG.debug("close conn={} user={} clientId={} reason={}", connectionId, userId, clientId, endReason);
    if (was != State.JOINING && was != State.REGISTERED) return;
    leaveHub();
    // A register still waiting for its first page was neither counted nor announced.
    if (was != State.REGISTERED) return;
    node.metrics.connectionClosed(transport.kind(), device);
    node.upstream.presence(userId, presenceEvent("disconnect").put("reason", endReason));
  }

  /** Leaves the hub and, unless a newer connection of the same client took it over, the route table. */
  private void leaveHub() {
    node.hub.remove(this);
    if (!replaced) node.store.removeRoutes(List.of(route()));
  }

  Route route() {
    return new Route(userId, node.nodeId, clientId, device, registeredAt);
  }

  JsonObject presenceEvent(String type) {
    return new JsonObject().put("type", type).put("user", userId).put("clientId", clientId).put("device", device)
        .put("node", node.nodeId).put("ts", node.clock.nowMs());
  }

  JsonObject describe() {
    return new JsonObject().put("clientId", clientId).put("device", device).put("node", node.nodeId)
        .put("since", registeredAt).put("transport", transport.kind());
  }

  void onContext(Runnable action) {
    if (Vertx.currentContext() == context) action.run();
    else context.runOnContext(v -> action.run());
  }
}
