package io.vpush.access;

import io.vpush.auth.TokenClaims;
import io.vertx.core.Context;
import io.vertx.core.Future;
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

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection: its user stream, its place in the seq order, its unacked messages, its socket's backlog
 * and its one timer. Lives on one event loop; calls from elsewhere hop onto it.
 */
public final class Session extends TimingWheel.Entry {

  private static final AtomicLong IDS = new AtomicLong();
  /** Lifecycle at debug, store failures at warn: ids only, never a token or a payload. */
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);
  /**
   * JOINING: in the hub and the route table, waiting for the first catch-up page, which carries the lastSeq for
   * {@code control: registered}. Client frames that need a user stream wait for REGISTERED.
   */
  private enum State { OPEN, REGISTERING, JOINING, REGISTERED, CLOSED }

  private final Shard shard;
  private final AccessSettings settings;
  private final Transport transport;
  private final Context context;
  private final TimingWheel wheel;
  private final String connectionId;
  private final long connectedAt;
  private long lastFrameAt;
  private State state = State.OPEN;

  /** Set by the register; kept after close, for the close's presence event and log. */
  private Registration registration;
  /** Set by a newer connection of the same client that took over this one's route entry. */
  private volatile boolean replaced;

  /** Made by the register: the seq gate and the inbox reads that fill it. */
  private CatchUp catchUp;
  private AckTracker<Outbound> acks;
  private Set<String> topics;
  private final SocketBacklog backlog;
  private String endReason = "client_close";
  /** vpush.sync reads this connection has out (bounded by sync.maxInFlight); on its event loop only. */
  private int syncsInFlight;
  /** This connection's rate buckets, made at its first frame. */
  private InboundBudget inbound;
  /**
   * When this connection is told to refresh its token ({@code control: refresh}); NEVER once told and for a token
   * without exp. Its close deadline is not kept: it follows from the token's exp, which the registration holds.
   */
  private long tokenWarnAt = TokenDeadlines.NEVER;
  /** A vpush.refresh whose token is being verified: one at a time per connection. */
  private boolean refreshing;

  /** A new connection of {@code shard}, on the shard's context. */
  Session(Shard shard, Transport transport) {
    this.shard = shard;
    this.settings = shard.settings();
    this.transport = transport;
    this.context = shard.context();
    this.wheel = shard.wheel();
    this.connectionId = shard.nodeId() + "-" + Long.toString(IDS.incrementAndGet(), 36);
    this.connectedAt = shard.clock().nowMs();
    this.lastFrameAt = connectedAt;
    this.backlog = new SocketBacklog(transport, settings.outbound, shard.metrics());
    shard.metrics().connect(transport.kind());
    LOG.debug("connect conn={} transport={}", connectionId, transport.kind());
    scheduleTimer();
  }

  public String userId() { return registration == null ? null : registration.userId(); }
  public String clientId() { return registration == null ? null : registration.clientId(); }
  String device() { return registration == null ? null : registration.device(); }
  TokenClaims claims() { return registration == null ? null : registration.claims(); }
  /** When this session joined its user stream (its route entry's since); only while it has one. */
  long registeredAt() { return registration.since(); }
  Transport transport() { return transport; }
  String connectionId() { return connectionId; }
  boolean isOpen() { return state == State.OPEN; }
  boolean isRegistered() { return state == State.REGISTERED; }
  boolean isClosed() { return state == State.CLOSED; }

  Shard shard() { return shard; }

  /** Counts one client frame against the connection's rate limit. */
  InboundLimits.Verdict admitFrame() {
    if (inbound == null) inbound = new InboundBudget();
    return inbound.frame(settings.inbound, System.nanoTime());
  }

  /** Counts one {@code vpush.upstream} message against the connection's upstream limit. */
  InboundLimits.Verdict admitUpstream() {
    if (inbound == null) inbound = new InboundBudget();
    return inbound.upstream(settings.inbound, System.nanoTime());
  }

  /**
   * A frame over a rate limit ({@code limit}: frames, upstream): answered {@code err rate_limited} to {@code address}
   * (null: none), or, for a connection that keeps abusing the limits, closed with 1008.
   */
  void refused(InboundLimits.Verdict verdict, String address, String limit) {
    if (state == State.CLOSED) return;
    shard.metrics().rateLimited(limit);
    if (verdict == InboundLimits.Verdict.CLOSE) {
      close(CloseCodes.POLICY, "rate limit exceeded", "rate_limited");
    } else {
      write(ServerFrames.error(address, io.vpush.protocol.ErrorCode.RATE_LIMITED, "too many " + limit + " per second, slow down"));
    }
  }

  Set<String> topics() {
    return topics == null ? Set.of() : topics;
  }

  void addTopic(String topic) {
    if (topics == null) topics = new HashSet<>(4);
    if (topics.add(topic)) shard.hub().subscribe(topic, this);
  }

  void removeTopic(String topic) {
    if (topics != null && topics.remove(topic)) shard.hub().unsubscribe(topic, this);
  }

  /** Any frame from the client counts as life. */
  void touched() {
    lastFrameAt = shard.clock().nowMs();
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
    this.registration = new Registration(userId, clientId, device, claims, shard.clock().nowMs());
    this.state = State.JOINING;
    this.catchUp = new CatchUp(this, cursor);
    backlog.listener(catchUp);
    // Hub and route before the read: a message accepted while the read is out reaches the gate, which holds it.
    shard.hub().add(this);
    if (LOG.isDebugEnabled()) LOG.debug("register conn={} user={} clientId={} device={} cursor={}", connectionId, userId, clientId, device, cursor);
    return catchUp.first(route()).transform(ar -> {
      if (state != State.JOINING) {
        // closed() has already left the hub and the routes
        return Future.failedFuture("connection closed during register");
      }
      if (ar.failed()) {
        rollBack();
        return Future.failedFuture(ar.cause());
      }
      InboxPage page = ar.result();
      state = State.REGISTERED;
      tokenWarnAt = TokenDeadlines.warnAt(claims.exp(), shard.clock().nowMs(), settings.refreshAheadMs);
      scheduleTimer();
      shard.metrics().connectionOpened(transport.kind(), device);
      shard.upstream().presence(userId, presenceEvent("connect"));
      write(ServerFrames.control(userId, "registered", new JsonObject().put("lastSeq", page.lastSeq()).put("node", shard.nodeId())));
      catchUp.onPage(page);
      return Future.succeededFuture();
    });
  }

  /** The first read failed: back to OPEN as before the register, so the client may register again on this connection. */
  private void rollBack() {
    leaveHub();
    state = State.OPEN;
    catchUp = null;
    backlog.listener(null);
    acks = null;
    registration = null;
  }

  /** A live message for this user; from any thread. */
  void offer(Outbound out) {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> offer(out));
      return;
    }
    if (state != State.JOINING && state != State.REGISTERED) return;
    catchUp.offer(out);
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
      long now = shard.clock().nowMs();
      acks.ack(seq, out -> shard.metrics().acked(out.message().ts(), now));
    }
    Registration r = registration;
    return shard.store().ack(r.userId(), r.clientId(), seq).onFailure(e -> {
      shard.metrics().problem("warn", "store");
      LOG.warn("ack not stored user={} clientId={} seq={}: {}", r.userId(), r.clientId(), seq, e.toString());
    });
  }

  /** Takes a slot for a vpush.sync read; false when sync.maxInFlight are out already. On this session's event loop. */
  boolean beginSync() {
    if (syncsInFlight >= settings.syncMaxInFlight) return false;
    syncsInFlight++;
    shard.metrics().syncInFlight(1);
    return true;
  }

  /** Gives back the slot of an answered vpush.sync read. */
  void endSync() {
    syncsInFlight--;
    shard.metrics().syncInFlight(-1);
  }

  /** Room for {@code count} messages a catch-up page is about to send. */
  void reserveUnacked(int count) {
    ackTracker().reserve(count);
  }

  /** What this connection has written and its socket not taken yet. */
  SocketBacklog backlog() {
    return backlog;
  }

  /** Sends a message the gate let through: one frame, counted as delivered and tracked until acked. */
  void send(Outbound out) {
    StoredMessage m = out.message();
    if (!m.isFor(registration.device())) return;
    write(out.frame());
    if (state == State.CLOSED) return; // the write found a slow consumer: not counted, the inbox keeps it
    long now = shard.clock().nowMs();
    shard.metrics().delivered(m.ts(), now);
    ackTracker().sent(m.seq(), out, now);
    scheduleTimer();
  }

  /** Writes a frame within the outbound bound; a client whose socket does not take what passes it is closed. */
  void write(String frame) {
    if (state == State.CLOSED) return;
    if (!backlog.write(frame)) close(CloseCodes.POLICY, "slow consumer", "slow_consumer");
  }

  /** The session's unacked-message tracker, made on the first send (an idle connection has none). */
  private AckTracker<Outbound> ackTracker() {
    if (acks == null) acks = new AckTracker<>(settings.backoff);
    return acks;
  }

  @Override
  protected void onTimeout(long now) {
    if (state == State.CLOSED) return;
    if (state != State.REGISTERED && now >= connectedAt + settings.authTimeoutMs) {
      close(CloseCodes.NOT_AUTHENTICATED, "not authenticated in time", "auth_failed");
      return;
    }
    if (now - lastFrameAt >= settings.idleTimeoutMs) {
      close(CloseCodes.POLICY, "idle timeout", "idle_timeout");
      return;
    }
    if (state == State.REGISTERED && registration.claims().expires()) {
      long closeAt = TokenDeadlines.closeAt(registration.claims().exp(), settings.tokenLeewayMs);
      if (now >= closeAt) {
        // In-band too: the SockJS polling transports cannot carry the close code.
        write(ServerFrames.error(io.vpush.protocol.Addresses.user(registration.userId()), io.vpush.protocol.ErrorCode.ACCESS_DENIED, "token expired"));
        close(CloseCodes.NOT_AUTHENTICATED, "token expired", "token_expired");
        return;
      }
      if (now >= tokenWarnAt) {
        tokenWarnAt = TokenDeadlines.NEVER;
        write(ServerFrames.control(registration.userId(), "refresh", new JsonObject().put("deadline", closeAt).put("inMs", closeAt - now)));
        if (state == State.CLOSED) return;
      }
    }
    if (acks != null) {
      // Re-sends are paced like a catch-up: into a backed-up socket they wait for a later tick instead of piling on.
      acks.collectDuePaced(now, (out, attempt) -> {
        if (state == State.CLOSED) return false;
        String frame = out.frame();
        if (backlog.frames() > 0 && !backlog.pacedRoom(1, frame.length())) return false;
        write(frame);
        shard.metrics().resent(attempt);
        return true;
      }, seq -> shard.metrics().givenUp());
    }
    scheduleTimer();
  }

  /** Keeps the one wheel entry at the earliest of the auth, idle and ack deadlines. */
  private void scheduleTimer() {
    long next = lastFrameAt + settings.idleTimeoutMs;
    if (state != State.REGISTERED) next = Math.min(next, connectedAt + settings.authTimeoutMs);
    if (acks != null) next = Math.min(next, acks.nextDeadline());
    if (state == State.REGISTERED && registration.claims().expires()) {
      next = Math.min(next, Math.min(tokenWarnAt, TokenDeadlines.closeAt(registration.claims().exp(), settings.tokenLeewayMs)));
    }
    if (!isScheduled() || next < deadline() || deadline() <= shard.clock().nowMs()) wheel.schedule(this, next);
  }

  /** Takes the slot for verifying a vpush.refresh token; false while one is being verified. On this session's event loop. */
  boolean beginRefresh() {
    if (refreshing) return false;
    refreshing = true;
    return true;
  }

  /**
   * A vpush.refresh whose token passed: its claims replace the old ones, so the connection gets the new token's close
   * deadline and a new warning before it, and keeps only the topic subscriptions the new claims (or topics.public)
   * still allow. Returns the topics it dropped. On this session's event loop, while registered.
   */
  List<String> refreshed(TokenClaims claims, TopicPolicy policy) {
    Registration r = registration;
    registration = new Registration(r.userId(), r.clientId(), r.device(), claims, r.since());
    // The same exp again (a client that resends its token) keeps the warning state: warned once is enough, and a new
    // warning at half the remaining time each round would have it warned ever more often towards the close.
    if (claims.exp() != r.claims().exp()) tokenWarnAt = TokenDeadlines.warnAt(claims.exp(), shard.clock().nowMs(), settings.refreshAheadMs);
    List<String> dropped = List.of();
    if (topics != null) {
      for (String topic : List.copyOf(topics)) {
        if (policy.allows(claims, topic)) continue;
        if (dropped.isEmpty()) dropped = new java.util.ArrayList<>(2);
        dropped.add(topic);
        removeTopic(topic);
      }
    }
    scheduleTimer();
    return dropped;
  }

  /** Gives back the refresh slot. */
  void endRefresh() {
    refreshing = false;
  }

  /** The close deadline of this connection's token in epoch ms, or {@link TokenDeadlines#NEVER}. */
  long tokenCloseAt() {
    return registration == null || !registration.claims().expires() ? TokenDeadlines.NEVER
        : TokenDeadlines.closeAt(registration.claims().exp(), settings.tokenLeewayMs);
  }

  /**
   * Tells the client it was replaced or kicked, then closes with 4003; from any thread.
   *
   * @param byInstance the client instance whose register replaced this one, or null; a client that sees its own
   *     instance knows the register was a late one of its own and connects again instead of giving up
   */
  void kick(String byInstance) {
    onContext(() -> {
      if (state == State.CLOSED) return;
      if (registration != null) {
        JsonObject body = byInstance == null ? new JsonObject() : new JsonObject().put("instance", byInstance);
        write(ServerFrames.control(registration.userId(), "kicked", body));
      }
      close(CloseCodes.KICKED, "kicked", "kicked");
    });
  }

  /** Tells the client to reconnect elsewhere after {@code afterMs}, then closes with 1012; from any thread. */
  public void reconnectElsewhere(long afterMs) {
    onContext(() -> {
      if (state == State.CLOSED) return;
      if (registration != null) write(ServerFrames.control(registration.userId(), "reconnect", new JsonObject().put("afterMs", afterMs)));
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
    backlog.release();
    shard.metrics().disconnect(endReason);
    if (LOG.isDebugEnabled()) LOG.debug("close conn={} user={} clientId={} reason={}", connectionId, userId(), clientId(), endReason);
    if (was != State.JOINING && was != State.REGISTERED) return;
    leaveHub();
    // A register still waiting for its first page was neither counted nor announced.
    if (was != State.REGISTERED) return;
    shard.metrics().connectionClosed(transport.kind(), registration.device());
    shard.upstream().presence(registration.userId(), presenceEvent("disconnect").put("reason", endReason));
  }

  /** Leaves the hub and, unless a newer connection of the same client took it over, the route table. */
  private void leaveHub() {
    shard.hub().remove(this);
    if (!replaced) shard.store().removeRoutes(List.of(route()));
  }

  Route route() {
    return registration.route(shard.nodeId());
  }

  private JsonObject presenceEvent(String type) {
    return registration.presenceEvent(type, shard.nodeId(), shard.clock().nowMs());
  }

  JsonObject describe() {
    return registration.describe(shard.nodeId(), transport.kind());
  }

  void onContext(Runnable action) {
    if (Vertx.currentContext() == context) action.run();
    else context.runOnContext(v -> action.run());
  }
}
