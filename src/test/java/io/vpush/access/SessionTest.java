package io.vpush.access;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.auth.TokenMinter;
import io.vpush.auth.TokenVerifier;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.dispatch.Kick;
import io.vpush.dispatch.LocalDispatcher;
import io.vpush.metrics.Metrics;
import io.vpush.protocol.CloseCodes;
import io.vpush.store.Accepted;
import io.vpush.store.InboxPage;
import io.vpush.store.NewMessage;
import io.vpush.store.Route;
import io.vpush.store.Store;
import io.vpush.store.memory.MemoryStore;
import io.vpush.time.ManualClock;
import io.vpush.time.WheelDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session's state machine and timers on a manual clock: register, the auth, idle and ack timers, a kick during the
 * join and a close during the register, with a fake transport and the memory store. No socket, no sleep: time moves
 * when the test says so, and the wheel ticks when the test runs the driver's tasks.
 */
class SessionTest {

  private static final long AUTH_MS = 1_000;
  private static final long IDLE_MS = 20_000;
  private static final long ACK_MS = 500;
  private static final long TICK_MS = 10;

  private final ManualClock clock = new ManualClock(1_000_000);
  private final ManualDriver driver = new ManualDriver();
  private final Metrics metrics = new Metrics();
  private final Shards shards = new Shards();
  private Vertx vertx;
  private Context context;
  private VPushConfig config;
  private HeldStore store;
  private Shard shard;
  private ClientFrameHandler frames;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    Map<Setting<?>, Object> s = new HashMap<>();
    s.put(Settings.JWT_SECRET, "session-test-secret-of-enough-length-0123456789");
    s.put(Settings.AUTH_TIMEOUT_MS, (int) AUTH_MS);
    s.put(Settings.IDLE_TIMEOUT_MS, (int) IDLE_MS);
    s.put(Settings.ACK_TIMEOUT_MS, (int) ACK_MS);
    s.put(Settings.WHEEL_TICK_MS, (int) TICK_MS);
    config = VPushConfig.defaults().with(s, "test");
    store = new HeldStore(new MemoryStore(clock, 100, 3600));
    AccessSettings settings = AccessSettings.of(config);
    Registrar registrar = new Registrar(new TokenVerifier(vertx, config), new LocalDispatcher(shards), shards);
    frames = new ClientFrameHandler(settings, new TopicPolicy(List.of()), registrar);
    shard = on(() -> new Shard(shards, context, settings, clock, store, metrics, new NoUpstream(), "n1"));
    on(() -> shard.start(driver, false));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aConnectionThatDoesNotRegisterInTimeIsClosedByTheAuthTimer() throws Exception {
    FakeTransport t = new FakeTransport();
    Session session = on(() -> new Session(shard, t));
    advance(AUTH_MS - TICK_MS);
    assertThat(t.closedWith).as("before the auth deadline").isNull();
    advance(2 * TICK_MS);
    assertThat(t.closedWith).isEqualTo(CloseCodes.NOT_AUTHENTICATED);
    assertThat(on(session::isClosed)).isTrue();
  }

  @Test
  void aRegisteredSessionGetsItsMessagesAndAnUnackedOneAgainUntilAcked() throws Exception {
    FakeTransport t = new FakeTransport();
    Session session = register(t, "alice", "c1");
    assertThat(t.frames).anyMatch(f -> f.contains("\"control\":\"registered\""));
    advance(AUTH_MS + TICK_MS);
    assertThat(t.closedWith).as("a registered session outlives the auth deadline").isNull();

    publish("alice", "m1");
    assertThat(t.count("\"seq\":\"1\"")).isEqualTo(1);
    advance(ACK_MS + TICK_MS);
    assertThat(t.count("\"seq\":\"1\"")).as("sent again after the ack timeout").isEqualTo(2);

    clientSends(session, t, new JsonObject().put("type", "send").put("address", "vpush.ack").put("body", new JsonObject().put("seq", 1)));
    advance(10 * ACK_MS);
    assertThat(t.count("\"seq\":\"1\"")).as("acked: not sent again").isEqualTo(2);
    assertThat(store.cursor("alice", "c1").await(5, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void aSilentRegisteredSessionIsClosedByTheIdleTimerAndLeavesTheDirectory() throws Exception {
    FakeTransport t = new FakeTransport();
    register(t, "bob", "c1");
    assertThat(shards.holds("bob")).isTrue();
    advance(IDLE_MS - 2 * TICK_MS);
    assertThat(t.closedWith).isNull();
    advance(4 * TICK_MS);
    assertThat(t.closedWith).isEqualTo(CloseCodes.POLICY);
    assertThat(t.closeReason).isEqualTo("idle timeout");
    assertThat(shards.holds("bob")).isFalse();
    assertThat(store.routes("bob").await(5, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aKickDuringTheJoinClosesTheSessionAndTheLateFirstPageRegistersNothing() throws Exception {
    Promise<Void> firstRead = store.holdNextRead();
    FakeTransport t = new FakeTransport();
    Session session = on(() -> new Session(shard, t));
    clientSends(session, t, registerFrame("carol", "c1"));
    t.awaitFrameOrClose(() -> store.readsHeld > 0);
    assertThat(shards.holds("carol")).as("joining: in the directory while its first page is read").isTrue();

    int kicked = onFuture(() -> shards.kick(Kick.operator("carol", null)));
    assertThat(kicked).isEqualTo(1);
    assertThat(t.closedWith).isEqualTo(CloseCodes.KICKED);
    on(() -> {
      firstRead.complete();
      return null;
    });
    assertThat(t.frames).noneMatch(f -> f.contains("\"control\":\"registered\""));
    assertThat(shards.holds("carol")).isFalse();
    assertThat(store.routes("carol").await(5, TimeUnit.SECONDS)).as("the join's route entry was removed at close").isEmpty();
  }

  @Test
  void aReplacingKickClosesOnlyConnectionsThatRegisteredBeforeTheRegisterBegan() throws Exception {
    FakeTransport t = new FakeTransport();
    register(t, "erin", "c1");
    long registeredAt = clock.nowMs();
    // A register of the same client that began before this one registered, whose kick arrives only now (it waited
    // on the store, or followed an older connection's route): the newer connection stays.
    assertThat(onFuture(() -> shards.kick(Kick.replacing("erin", "c1", registeredAt - 1, "inst-1")))).isZero();
    assertThat(t.closedWith).isNull();
    assertThat(onFuture(() -> shards.kick(Kick.replacing("erin", "other", registeredAt + 1, "inst-1")))).as("another clientId").isZero();

    assertThat(onFuture(() -> shards.kick(Kick.replacing("erin", "c1", registeredAt + 1, "inst-1")))).isEqualTo(1);
    assertThat(t.closedWith).isEqualTo(CloseCodes.KICKED);
    assertThat(t.frames).as("the client learns which instance took over").anyMatch(f -> f.contains("\"control\":\"kicked\"") && f.contains("\"instance\":\"inst-1\""));
  }

  @Test
  void aSecondRegisterOfTheSameClientReplacesTheFirstAndNamesItsInstance() throws Exception {
    FakeTransport first = new FakeTransport();
    register(first, "fay", "c1");
    clock.advance(1);
    FakeTransport second = new FakeTransport();
    Session session = on(() -> new Session(shard, second));
    clientSends(session, second, registerFrame("fay", "c1").put("headers", registerFrame("fay", "c1").getJsonObject("headers").put("instance", "tab-2")));
    second.awaitFrame("\"control\":\"registered\"");
    assertThat(first.closedWith).isEqualTo(CloseCodes.KICKED);
    assertThat(first.frames).anyMatch(f -> f.contains("\"control\":\"kicked\"") && f.contains("\"instance\":\"tab-2\""));
    assertThat(second.closedWith).isNull();
  }

  @Test
  void anInstanceHeaderTooLongIsABadFrame() throws Exception {
    FakeTransport t = new FakeTransport();
    Session session = on(() -> new Session(shard, t));
    JsonObject frame = registerFrame("gil", "c1");
    frame.getJsonObject("headers").put("instance", "x".repeat(Registrar.MAX_INSTANCE_LENGTH + 1));
    clientSends(session, t, frame);
    t.awaitFrame("bad_frame");
    assertThat(shards.holds("gil")).isFalse();
  }

  @Test
  void aCloseDuringTheRegisterLeavesNoTrace() throws Exception {
    Promise<Void> cursorRead = store.holdNextCursor();
    FakeTransport t = new FakeTransport();
    Session session = on(() -> new Session(shard, t));
    clientSends(session, t, registerFrame("dave", "c1"));
    t.awaitFrameOrClose(() -> store.cursorsHeld > 0);
    on(() -> {
      session.closed(); // the socket went away while the cursor was read
      cursorRead.complete();
      return null;
    });
    assertThat(t.frames).noneMatch(f -> f.contains("\"control\":\"registered\""));
    assertThat(shards.holds("dave")).isFalse();
    assertThat(store.routes("dave").await(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(store.readsHeld + store.readsSeen).as("no catch-up read for a closed session").isZero();
  }

  @Test
  void aShardTouchedOffItsOwnLoopCountsAViolation() throws Exception {
    shard.hub().userCount(); // not checked: a count read is harmless
    assertThat(violations()).isZero();
    shard.hub().deliver(new io.vpush.store.StoredMessage("x", "nobody", 1, clock.nowMs(), clock.nowMs() + 1_000, "{}", List.of()));
    assertThat(violations()).as("a delivery from the test's thread, not the shard's").isEqualTo(1);
    on(() -> shard.hub().deliver(new io.vpush.store.StoredMessage("y", "nobody", 2, clock.nowMs(), clock.nowMs() + 1_000, "{}", List.of())));
    assertThat(violations()).as("on the shard's own loop").isEqualTo(1);
  }

  private double violations() {
    var c = metrics.registry().find("vpush_shard_confinement_violations_total").counter();
    return c == null ? 0 : c.count();
  }

  // --- helpers ---

  @Test
  void aTokenThatExpiresIsWarnedAheadThenClosedWith4001AtExpPlusTheLeeway() throws Exception {
    clock.set(System.currentTimeMillis()); // the token's exp is checked against real time at register
    FakeTransport t = new FakeTransport();
    String token = TokenMinter.mint(vertx, config, "hank", 10, List.of(), List.of());
    long expMs = exp(token);
    Session session = register(t, "hank", "c1", token);
    // 10 s or less left, lead 60 s: warned halfway through what is left; closed at exp + jwt.leewaySeconds (30 s).
    long warnAt = TokenDeadlines.warnAt(expMs / 1000, clock.nowMs(), 60_000);
    long closeAt = expMs + 30_000;
    assertThat(warnAt).isGreaterThan(clock.nowMs()).isLessThan(expMs);
    advanceAlive(session, t, warnAt - clock.nowMs() - TICK_MS);
    assertThat(t.count("\"control\":\"refresh\"")).as("not before its time").isZero();
    advanceAlive(session, t, 2 * TICK_MS);
    assertThat(t.frames).filteredOn(f -> f.contains("\"control\":\"refresh\""))
        .singleElement().asString().contains("\"deadline\":" + closeAt);
    advanceAlive(session, t, closeAt - clock.nowMs() - TICK_MS);
    assertThat(t.closedWith).as("open until exp + leeway").isNull();
    assertThat(t.count("\"control\":\"refresh\"")).as("warned once").isEqualTo(1);
    advanceAlive(session, t, 2 * TICK_MS);
    assertThat(t.closedWith).isEqualTo(CloseCodes.NOT_AUTHENTICATED);
    assertThat(t.closeReason).isEqualTo("token expired");
    assertThat(metrics.scrape()).contains("vpush_disconnects_total{reason=\"token_expired\"} 1.0");
  }

  @Test
  void aRefreshedTokenMovesTheCloseAndBringsANewWarning() throws Exception {
    clock.set(System.currentTimeMillis());
    FakeTransport t = new FakeTransport();
    String first = TokenMinter.mint(vertx, config, "ivy", 10, List.of(), List.of());
    Session session = register(t, "ivy", "c1", first);
    long oldCloseAt = exp(first) + 30_000;
    String second = TokenMinter.mint(vertx, config, "ivy", 100, List.of(), List.of());
    clientSends(session, t, new JsonObject().put("type", "send").put("address", "vpush.refresh")
        .put("body", new JsonObject().put("token", second)).put("replyAddress", "r-1"));
    t.awaitFrame("\"address\":\"r-1\"");
    long warnAt = TokenDeadlines.warnAt(exp(second) / 1000, clock.nowMs(), 60_000); // lead: min(60 s, half of ~100 s)
    long newCloseAt = exp(second) + 30_000;
    assertThat(t.frames).anyMatch(f -> f.contains("\"address\":\"r-1\"") && f.contains("\"deadline\":" + newCloseAt));
    advanceAlive(session, t, oldCloseAt - clock.nowMs() + 10 * TICK_MS);
    assertThat(t.closedWith).as("past the old token's close").isNull();
    assertThat(t.count("\"control\":\"refresh\"")).as("the new token is not due for a warning yet").isZero();
    advanceAlive(session, t, warnAt - clock.nowMs() - TICK_MS);
    assertThat(t.count("\"control\":\"refresh\"")).as("not before its time").isZero();
    advanceAlive(session, t, 2 * TICK_MS);
    assertThat(t.count("\"control\":\"refresh\"")).isEqualTo(1);
    assertThat(t.closedWith).isNull();
  }

  /** Moves the clock like {@link #advance}, with a ping from the client every 5 s so the idle timer stays out of it. */
  private void advanceAlive(Session session, FakeTransport t, long ms) throws Exception {
    for (long done = 0; done < ms; done += 5_000) {
      advance(Math.min(5_000, ms - done));
      if (t.closedWith == null) clientSends(session, t, new JsonObject().put("type", "ping"));
    }
  }

  private static long exp(String jwt) {
    String claims = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
    return new JsonObject(claims).getLong("exp") * 1000;
  }

  private Session register(FakeTransport t, String user, String clientId, String token) throws Exception {
    Session session = on(() -> new Session(shard, t));
    clientSends(session, t, new JsonObject().put("type", "register").put("address", "vpush.user." + user)
        .put("headers", new JsonObject().put("token", token).put("clientId", clientId)));
    t.awaitFrame("\"control\":\"registered\"");
    return session;
  }

  private Session register(FakeTransport t, String user, String clientId) throws Exception {
    Session session = on(() -> new Session(shard, t));
    clientSends(session, t, registerFrame(user, clientId));
    t.awaitFrame("\"control\":\"registered\"");
    return session;
  }

  private JsonObject registerFrame(String user, String clientId) {
    String token = TokenMinter.mint(vertx, config, user, 3600, List.of(), List.of());
    return new JsonObject().put("type", "register").put("address", "vpush.user." + user)
        .put("headers", new JsonObject().put("token", token).put("clientId", clientId));
  }

  private void clientSends(Session session, FakeTransport t, JsonObject frame) throws Exception {
    on(() -> {
      frames.handle(session, frame.encode());
      return null;
    });
  }

  private void publish(String user, String id) throws Exception {
    Accepted a = store.accept(new NewMessage(id, user, clock.nowMs(), 0, "{}", List.of())).await(5, TimeUnit.SECONDS);
    on(() -> shards.deliver(a.message()));
  }

  /** Moves the clock and runs what the shard's timers would have run meanwhile, once per tick. */
  private void advance(long ms) throws Exception {
    for (long done = 0; done < ms; done += TICK_MS) {
      clock.advance(Math.min(TICK_MS, ms - done));
      on(() -> {
        driver.tick();
        return null;
      });
    }
  }

  /** Runs {@code action} on the shard's context and waits for its result. */
  private <T> T on(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private <T> T onFuture(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) result.complete(ar.result());
      else result.completeExceptionally(ar.cause());
    }));
    return result.get(10, TimeUnit.SECONDS);
  }

  /** The shard's periodic tasks, run by the test. */
  private static final class ManualDriver implements WheelDriver {
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public AutoCloseable every(Context context, long periodMs, Runnable task) {
      // Only the wheel's tick runs per tick; the route refresh (a period of routeTtl/3) is not what these tests are about.
      if (periodMs == TICK_MS) tasks.add(task);
      return () -> tasks.remove(task);
    }

    void tick() {
      for (Runnable t : List.copyOf(tasks)) t.run();
    }
  }

  /** A socket that keeps what the session wrote and how it was closed. */
  private final class FakeTransport implements Transport {
    final List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile Short closedWith;
    volatile String closeReason;

    @Override
    public Future<Void> write(String frame) {
      frames.add(frame);
      return Future.succeededFuture();
    }

    @Override
    public void close(short code, String reason) {
      closedWith = code;
      closeReason = reason;
    }

    @Override public String kind() { return "websocket"; }
    @Override public String queryParam(String name) { return null; }
    @Override public String remoteAddress() { return "test"; }

    long count(String part) {
      return frames.stream().filter(f -> f.contains(part)).count();
    }

    /** Waits for a frame containing {@code part}: the token check answers on the session's context, as an event. */
    void awaitFrame(String part) throws Exception {
      awaitFrameOrClose(() -> count(part) > 0);
    }

    void awaitFrameOrClose(Supplier<Boolean> condition) throws Exception {
      for (int i = 0; i < 1_000; i++) {
        if (on(condition)) return;
        if (closedWith != null) throw new AssertionError("closed " + closedWith + " " + closeReason + "; frames " + frames);
      }
      throw new AssertionError("not seen after 1,000 turns of the context; frames " + frames);
    }
  }

  /** Upstream and presence go nowhere. */
  private static final class NoUpstream implements UpstreamSink {
    @Override public Future<Void> upstream(String userId, JsonObject record) { return Future.succeededFuture(); }
    @Override public void presence(String userId, JsonObject event) { }
  }

  /**
   * The memory store, with the next cursor read or first-page read held until the test lets it go: a register waits
   * there as it would for Redis.
   */
  private static final class HeldStore implements Store {
    private final Store engine;
    private Promise<Void> nextRead;
    private Promise<Void> nextCursor;
    int readsHeld;
    int readsSeen;
    int cursorsHeld;

    HeldStore(Store engine) {
      this.engine = engine;
    }

    Promise<Void> holdNextRead() {
      nextRead = Promise.promise();
      return nextRead;
    }

    Promise<Void> holdNextCursor() {
      nextCursor = Promise.promise();
      return nextCursor;
    }

    @Override
    public Future<InboxPage> join(Route route, long ttlMs, long afterSeq, int limit, long maxBytes) {
      engine.putRoutes(List.of(route), ttlMs);
      return read(route.user(), afterSeq, limit, maxBytes);
    }

    @Override
    public Future<InboxPage> read(String user, long afterSeq, int limit, long maxBytes) {
      Promise<Void> held = nextRead;
      nextRead = null;
      if (held == null) {
        readsSeen++;
        return engine.read(user, afterSeq, limit, maxBytes);
      }
      readsHeld++;
      return held.future().compose(v -> engine.read(user, afterSeq, limit, maxBytes));
    }

    @Override
    public Future<Long> cursor(String user, String clientId) {
      Promise<Void> held = nextCursor;
      nextCursor = null;
      if (held == null) return engine.cursor(user, clientId);
      cursorsHeld++;
      return held.future().compose(v -> engine.cursor(user, clientId));
    }

    @Override public Future<Accepted> accept(NewMessage m) { return engine.accept(m); }
    @Override public Future<List<Accepted>> acceptAll(List<NewMessage> ms) { return engine.acceptAll(ms); }
    @Override public Future<Long> lastSeq(String user) { return engine.lastSeq(user); }
    @Override public Future<Void> ack(String user, String clientId, long seq) { return engine.ack(user, clientId, seq); }
    @Override public Future<Void> schedule(io.vpush.store.ScheduledMessage m) { return engine.schedule(m); }
    @Override public Future<List<io.vpush.store.ScheduledMessage>> claimDue(long now, int max, long leaseMs) { return engine.claimDue(now, max, leaseMs); }
    @Override public Future<Void> completeScheduled(java.util.Collection<io.vpush.store.ScheduledMessage> done) { return engine.completeScheduled(done); }
    @Override public Future<Void> putRoutes(java.util.Collection<Route> routes, long ttlMs) { return engine.putRoutes(routes, ttlMs); }
    @Override public Future<Void> removeRoutes(java.util.Collection<Route> routes) { return engine.removeRoutes(routes); }
    @Override public Future<List<Route>> routes(String user) { return engine.routes(user); }
    @Override public Future<Void> close() { return engine.close(); }
  }
}
