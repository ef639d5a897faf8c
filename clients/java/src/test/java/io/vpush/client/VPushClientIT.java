package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.testing.TcpProxy;
import io.vpush.testing.VPushProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java SDK against a real vpush process: exactly-once delivery, acks, catch-up, kicks, auth, gaps, liveness. */
class VPushClientIT {
  private static VPushProcess server;
  private static VPushPublisher publisher;
  private final List<VPushClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // Re-sends after 400 ms (not 5 s): the dedup test sees them while its client holds its acks back.
    server = TestNodes.start("it", Map.of("VPUSH_ACK_TIMEOUT_MS", "400"));
    publisher = VPushPublisher.builder().url(server.url()).apiKey(TestNodes.API_KEY).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(VPushClient::close);
  }

  /** Collects what the app's handler saw. */
  static final class Seen {
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    final List<String> ids = new CopyOnWriteArrayList<>();
    final List<StateChange> states = new CopyOnWriteArrayList<>();
    final List<Gap> gaps = new CopyOnWriteArrayList<>();
  }

  private VPushClient client(String user, String clientId, LastSeqStore store, Seen seen, String url,
      Supplier<String> token, Duration ackInterval) {
    return client(user, clientId, store, seen, url, token, ackInterval, true);
  }

  // discovery false: through a proxy, the client must dial the URL it was given (discovery would name the node).
  private VPushClient client(String user, String clientId, LastSeqStore store, Seen seen, String url,
      Supplier<String> token, Duration ackInterval, boolean discovery) {
    VPushClient c = VPushClient.builder().url(url).discovery(discovery).token(token).clientId(clientId).lastSeqStore(store)
        .ackInterval(ackInterval).ackMaxCount(1_000)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(5))
        .pingInterval(Duration.ofMillis(300)).deadAfter(Duration.ofMillis(1_500))
        .build();
    c.onMessage(m -> {
      seen.seqs.add(m.seq());
      seen.ids.add(m.id());
    });
    c.onState(seen.states::add);
    c.onGap(seen.gaps::add);
    clients.add(c);
    return c;
  }

  private VPushClient client(String user, String clientId, LastSeqStore store, Seen seen) {
    return client(user, clientId, store, seen, server.url(), () -> TestNodes.token(user, 3600), Duration.ofMillis(50));
  }

  private static void publish(String user, int from, int to) throws Exception {
    for (int i = from; i <= to; i++) publisher.publish(user, user + "-m" + i, Map.of("n", i));
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void deliversInOrderAndAnAckedMessageIsNotDeliveredAgain() throws Exception {
    Seen first = new Seen();
    VPushClient a = client("ack", "phone", LastSeqStore.inMemory(), first);
    a.connect().get(20, TimeUnit.SECONDS);
    publish("ack", 1, 5);
    await("1..5", () -> first.seqs.size() >= 5);
    assertThat(first.seqs).isEqualTo(range(1, 5));
    assertThat(first.ids).containsExactly("ack-m1", "ack-m2", "ack-m3", "ack-m4", "ack-m5");
    a.close();

    // A fresh store sends no lastSeq: only the server's cursor, moved by the acks, keeps 1..5 from coming back.
    publish("ack", 6, 6);
    Seen second = new Seen();
    client("ack", "phone", LastSeqStore.inMemory(), second).connect().get(20, TimeUnit.SECONDS);
    await("6", () -> second.seqs.contains(6L));
    assertThat(second.seqs).containsExactly(6L);
  }

  @Test
  void reSentMessagesAreDroppedUntilTheAckGoesOut() throws Exception {
    Seen seen = new Seen();
    // Acks held back 3 s: the server (ack.timeoutMs 400) re-sends 1..3 meanwhile.
    VPushClient c = client("dup", "phone", LastSeqStore.inMemory(), seen, server.url(),
        () -> TestNodes.token("dup", 3600), Duration.ofSeconds(3));
    c.connect().get(20, TimeUnit.SECONDS);
    publish("dup", 1, 3);
    await("re-sends", () -> c.duplicatesDropped() >= 3);
    assertThat(seen.seqs).isEqualTo(range(1, 3));
  }

  @Test
  void messagesPublishedWhileAwayArriveOnceInOrderAfterAReconnect() throws Exception {
    Seen seen = new Seen();
    LastSeqStore store = LastSeqStore.inMemory();
    VPushClient a = client("away", "phone", store, seen);
    a.connect().get(20, TimeUnit.SECONDS);
    publish("away", 1, 3);
    await("1..3", () -> seen.seqs.size() >= 3);
    a.close();
    publish("away", 4, 8);
    client("away", "phone", store, seen).connect().get(20, TimeUnit.SECONDS);
    await("4..8", () -> seen.seqs.size() >= 8);
    assertThat(seen.seqs).isEqualTo(range(1, 8));
    assertThat(store.load()).hasValue(8);
  }

  @Test
  void aCutConnectionIsRedialledAndCatchesUpOnce() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      Seen seen = new Seen();
      VPushClient c = client("cut", "phone", LastSeqStore.inMemory(), seen, proxy.url(),
          () -> TestNodes.token("cut", 3600), Duration.ofMillis(50), false);
      c.connect().get(20, TimeUnit.SECONDS);
      publish("cut", 1, 3);
      await("1..3", () -> seen.seqs.size() >= 3);
      proxy.cutAll();
      publish("cut", 4, 6);
      await("4..6", () -> seen.seqs.size() >= 6);
      assertThat(seen.seqs).isEqualTo(range(1, 6));
      assertThat(proxy.accepted()).isGreaterThanOrEqualTo(2);
      assertThat(seen.states).extracting(StateChange::state).contains(State.DISCONNECTED);
    }
  }

  @Test
  void aConnectionThatStopsAnsweringIsDroppedAndRedialled() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      Seen seen = new Seen();
      VPushClient c = client("frozen", "phone", LastSeqStore.inMemory(), seen, proxy.url(),
          () -> TestNodes.token("frozen", 3600), Duration.ofMillis(50), false);
      c.connect().get(20, TimeUnit.SECONDS);
      publish("frozen", 1, 1);
      await("1", () -> seen.seqs.size() >= 1);
      proxy.freezeAll(); // the socket stays open; nothing flows: only the missing pongs tell
      publish("frozen", 2, 3);
      await("2..3 over a new connection", () -> seen.seqs.size() >= 3);
      assertThat(seen.seqs).isEqualTo(range(1, 3));
      assertThat(seen.states).anyMatch(s -> s.state() == State.DISCONNECTED && s.reason().contains("no answer"));
    }
  }

  @Test
  void aMessageWhoseHandlerThrewIsHandedOverAgainAndNothingIsSkipped() throws Exception {
    List<Long> calls = new CopyOnWriteArrayList<>();
    List<Long> done = new CopyOnWriteArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    LastSeqStore store = LastSeqStore.inMemory();
    VPushClient c = client("throws", "phone", store, new Seen());
    c.onMessage(m -> {
      calls.add(m.seq());
      if (m.seq() == 2 && failures.getAndIncrement() == 0) throw new IllegalStateException("app failed on 2");
      done.add(m.seq());
    });
    c.connect().get(20, TimeUnit.SECONDS);
    publish("throws", 1, 3);
    await("1..3 processed", () -> done.size() >= 3);
    // Not processed means not stored and not acked: 2 comes again (after a re-dial), and 3 only after it.
    assertThat(done).isEqualTo(range(1, 3));
    assertThat(calls).containsExactly(1L, 2L, 2L, 3L);
    assertThat(store.load()).hasValue(3);
  }

  @Test
  void framesPilingUpBehindABlockedSynchronousHandlerAreBoundedAndNothingIsLost() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      List<Long> seqs = new CopyOnWriteArrayList<>();
      List<StateChange> states = new CopyOnWriteArrayList<>();
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      VPushClient c = VPushClient.builder().url(proxy.url()).discovery(false)
          .token(() -> TestNodes.token("piles", 3600)).clientId("phone").maxQueuedMessages(5)
          .backoff(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5)).build();
      c.onMessage(m -> {
        if (m.seq() == 1) {
          try {
            release.await(20, TimeUnit.SECONDS); // the app holds the client's thread
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        seqs.add(m.seq());
      }).onState(states::add);
      clients.add(c);
      c.connect().get(20, TimeUnit.SECONDS);
      publish("piles", 1, 120);
      // More than 5 + 64 frames read while the thread is held: the client drops the connection (the proxy sees it).
      await("the connection dropped", () -> proxy.open() == 0);
      release.countDown();
      await("1..120", () -> seqs.size() >= 120);
      assertThat(seqs).isEqualTo(range(1, 120));
      assertThat(states).anyMatch(s -> s.state() == State.DISCONNECTED && s.reason().contains("frames waited"));
    }
  }

  @Test
  void aSlowHandlerIsNotTakenForADeadConnection() throws Exception {
    // A node with the default ack.timeoutMs (5 s): no re-send arrives while the handler works, the line is quiet.
    try (VPushProcess quiet = TestNodes.start("quiet", Map.of())) {
      slowHandler(quiet);
    }
  }

  private void slowHandler(VPushProcess quiet) throws Exception {
    VPushPublisher publisher = VPushPublisher.builder().url(quiet.url()).apiKey(TestNodes.API_KEY).build();
    Seen seen = new Seen();
    VPushClient c = client("slow", "phone", LastSeqStore.inMemory(), seen, quiet.url(),
        () -> TestNodes.token("slow", 3600), Duration.ofMillis(50));
    c.onMessage(m -> {
      if (m.seq() == 1) {
        try {
          Thread.sleep(2_500); // the app's slow work: longer than deadAfter (1.5 s), and no ping goes out meanwhile
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      seen.seqs.add(m.seq());
    });
    c.connect().get(20, TimeUnit.SECONDS);
    publisher.publish("slow", "slow-1", Map.of());
    publisher.publish("slow", "slow-2", Map.of());
    await("1..2", () -> seen.seqs.size() >= 2);
    publisher.publish("slow", "slow-3", Map.of()); // a live message after the slow one, on the same connection
    await("3", () -> seen.seqs.size() >= 3);
    assertThat(seen.seqs).isEqualTo(range(1, 3));
    assertThat(seen.states).extracting(StateChange::state).doesNotContain(State.DISCONNECTED);
  }

  @Test
  void aKickedClientStops() throws Exception {
    Seen seen = new Seen();
    VPushClient c = client("kick", "phone", LastSeqStore.inMemory(), seen);
    c.connect().get(20, TimeUnit.SECONDS);
    assertThat(TestNodes.kick(server, "kick")).contains("\"kicked\":1");
    await("closed", () -> c.state() == State.CLOSED);
    assertThat(seen.states.get(seen.states.size() - 1).reason()).isEqualTo("kicked");
    // It stays down: no dial followed the kick.
    assertThat(seen.states.stream().filter(s -> s.state() == State.CONNECTING).count()).isEqualTo(1);
  }

  @Test
  void aKickByItsOwnInstanceMakesTheClientConnectAgain() throws Exception {
    Seen seen = new Seen();
    VPushClient c = client("selfkick", "phone", LastSeqStore.inMemory(), seen);
    c.connect().get(20, TimeUnit.SECONDS);
    // What the client's abandoned connection would do when its register reaches a node late: register with our instance.
    java.util.concurrent.CompletableFuture<Integer> staleClosed = new java.util.concurrent.CompletableFuture<>();
    okhttp3.WebSocket stale = new okhttp3.OkHttpClient().newWebSocket(
        new okhttp3.Request.Builder().url("ws://127.0.0.1:" + server.port() + "/eventbus/websocket").build(),
        new okhttp3.WebSocketListener() {
          @Override
          public void onClosing(okhttp3.WebSocket ws, int code, String reason) {
            staleClosed.complete(code);
          }

          @Override
          public void onFailure(okhttp3.WebSocket ws, Throwable t, okhttp3.Response r) {
            staleClosed.completeExceptionally(t);
          }
        });
    stale.send("{\"type\":\"register\",\"address\":\"vpush.user.selfkick\",\"headers\":{\"token\":\""
        + TestNodes.token("selfkick", 3600) + "\",\"clientId\":\"phone\",\"instance\":\"" + c.instance() + "\"}}");
    assertThat(staleClosed.get(20, TimeUnit.SECONDS)).as("the client registered again and replaced the stale connection").isEqualTo(4003);
    await("connected again", () -> c.state() == State.CONNECTED
        && seen.states.stream().filter(s -> s.state() == State.CONNECTED).count() == 2);
    assertThat(seen.states).extracting(StateChange::state).doesNotContain(State.CLOSED);
  }

  @Test
  void aRefusedTokenIsAskedForOnceMoreThenTheClientStopsWithAnError() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Seen refreshed = new Seen();
    // First an expired token, then a good one: connects on the second dial.
    VPushClient ok = client("auth", "phone", LastSeqStore.inMemory(), refreshed, server.url(),
        () -> TestNodes.token("auth", calls.getAndIncrement() == 0 ? -60 : 3600), Duration.ofMillis(50));
    ok.connect().get(20, TimeUnit.SECONDS);
    assertThat(calls.get()).isEqualTo(2);

    AtomicInteger badCalls = new AtomicInteger();
    Seen refused = new Seen();
    VPushClient bad = client("auth2", "phone", LastSeqStore.inMemory(), refused, server.url(),
        () -> {
          badCalls.incrementAndGet();
          return TestNodes.token("auth2", -60);
        }, Duration.ofMillis(50));
    bad.connect().handle((v, e) -> null).get(20, TimeUnit.SECONDS);
    assertThat(bad.state()).isEqualTo(State.CLOSED);
    StateChange last = refused.states.get(refused.states.size() - 1);
    assertThat(last.reason()).isEqualTo("auth_failed");
    assertThat(last.error()).isNotNull();
    assertThat(badCalls.get()).isEqualTo(2);
  }

  @Test
  void aRetriedPublishKeepsItsIdAndIsDeliveredOnce() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.port()).swallowFirstAnswer()) {
      VPushPublisher p = VPushPublisher.builder().url(proxy.url()).apiKey(TestNodes.API_KEY)
          .backoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
      // The first attempt reaches the server (stored) but its answer is lost: the retry must not make a second one.
      VPushPublisher.Result r = p.publish("retry", Map.of("text", "once"));
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.duplicate()).isTrue();
      assertThat(r.seq()).isEqualTo(1);

      Seen seen = new Seen();
      client("retry", "phone", new MemoryLastSeqStore(0), seen).connect().get(20, TimeUnit.SECONDS);
      publish("retry", 2, 2);
      await("2", () -> seen.seqs.contains(2L));
      assertThat(seen.seqs).containsExactly(1L, 2L);
      assertThat(seen.ids.get(0)).isEqualTo(r.id());
    }
  }

  @Test
  void aRetriedBridgePublishKeepsItsIdAndIsDeliveredOnce() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.bridgePort()).swallowFirstAnswer();
         VPushBridgePublisher p = new VPushBridgePublisher("127.0.0.1", proxy.port(), TestNodes.API_KEY, 5,
             Duration.ofSeconds(5))) {
      // The first connection's answer is lost after the server stored the message: the retry on a new connection
      // carries the same id and is answered as a duplicate of seq 1.
      VPushPublisher.Result r = p.publish("bridge", "bridge-1", Map.of("text", "once"));
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.duplicate()).isTrue();
      assertThat(r.seq()).isEqualTo(1);
      assertThat(proxy.accepted()).isEqualTo(2);
      VPushPublisher.Result second = p.publish("bridge", "bridge-2", Map.of("text", "two"));
      assertThat(second.seq()).isEqualTo(2);
      assertThat(second.attempts()).isEqualTo(1);

      Seen seen = new Seen();
      client("bridge", "phone", new MemoryLastSeqStore(0), seen).connect().get(20, TimeUnit.SECONDS);
      await("1..2", () -> seen.seqs.size() >= 2);
      assertThat(seen.seqs).containsExactly(1L, 2L);
      assertThat(seen.ids).containsExactly("bridge-1", "bridge-2");
    }
  }

  @Test
  void aNodeShuttingDownSendsTheClientToTheNextUrl() throws Exception {
    // Two single nodes (memory engine each): the second one knows nothing of the first, which the client survives
    // (registered.lastSeq below its own: it follows the server's seqs).
    try (VPushProcess a = TestNodes.start("moves-a", Map.of("VPUSH_SHUTDOWN_RECONNECT_WINDOW_MS", "300"));
         VPushProcess b = TestNodes.start("moves-b", Map.of())) {
      Seen seen = new Seen();
      VPushClient c = VPushClient.builder().urls(List.of(a.url(), b.url())).token(() -> TestNodes.token("moves", 3600))
          .clientId("phone").backoff(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60))
          .jitter(() -> 0.99).build();
      c.onMessage(m -> seen.seqs.add(m.seq())).onState(seen.states::add);
      clients.add(c);
      c.connect().get(20, TimeUnit.SECONDS);
      VPushPublisher.builder().url(a.url()).apiKey(TestNodes.API_KEY).build().publish("moves", "a-1", Map.of());
      await("a-1", () -> seen.seqs.size() >= 1);
      a.sigterm(); // SIGTERM: control reconnect (afterMs within 300 ms), then 1012
      // The ~60 s backoff would outlast the wait below: only the server's afterMs can bring it back this fast.
      await("connected to b", () -> seen.states.stream().filter(s -> s.state() == State.CONNECTED).count() >= 2);
      assertThat(seen.states).anyMatch(s -> s.state() == State.DISCONNECTED && s.reason().startsWith("1012"));
      VPushPublisher.builder().url(b.url()).apiKey(TestNodes.API_KEY).build().publish("moves", "b-1", Map.of());
      await("b-1", () -> seen.seqs.size() >= 2);
      assertThat(seen.seqs).containsExactly(1L, 1L); // seq 1 of a, then seq 1 of b (a new server's stream)
    }
  }

  @Test
  void aRegisterRefusedInAStoreOutageIsTriedAgainOnANewConnection() throws Exception {
    // The server answers err unavailable and keeps the connection open (RegisterOutageIT): a client that only
    // reported it would sit on an idle connection for good.
    try (io.vpush.testing.RedisServer redis = io.vpush.testing.RedisServer.start();
         VPushProcess node = TestNodes.start("outage", Map.of("VPUSH_STORE", "redis", "VPUSH_REDIS_URL", redis.url(),
             // A long auth timeout: the server's 4001 close of an unregistered connection must not be what saves it.
             "VPUSH_REDIS_COMMAND_TIMEOUT_MS", "500", "VPUSH_AUTH_TIMEOUT_MS", "600000"))) {
      TestNodes.publisher(node).publish("outage", "o-1", Map.of());
      Seen seen = new Seen();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      VPushClient c = VPushClient.builder().url(node.url()).token(() -> TestNodes.token("outage", 3600)).clientId("o1")
          .discovery(false).backoff(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(10)).build();
      c.onMessage(m -> seen.seqs.add(m.seq())).onError(errors::add);
      clients.add(c);
      java.util.concurrent.CompletableFuture<Void> connected;
      redis.pause(); // no lastSeq known: the register reads the stored cursor, which times out
      try {
        connected = c.connect();
        await("the register's unavailable", () -> errors.stream().anyMatch(e -> String.valueOf(e.getMessage()).startsWith("unavailable")));
      } finally {
        redis.resume();
      }
      connected.get(30, TimeUnit.SECONDS);
      await("o-1", () -> seen.seqs.size() >= 1);
      assertThat(seen.seqs).containsExactly(1L);
    }
  }

  @Test
  void expiredMessagesAreReportedAsAGapNeverSkippedSilently() throws Exception {
    // Three messages per user at most: of 1..6, 1..3 are gone when the client comes back from lastSeq 0.
    try (VPushProcess small = TestNodes.start("small", Map.of("VPUSH_INBOX_CAP", "3"))) {
      VPushPublisher p = VPushPublisher.builder().url(small.url()).apiKey(TestNodes.API_KEY).build();
      for (int i = 1; i <= 6; i++) p.publish("gap", "gap-" + i, Map.of("n", i));
      Seen seen = new Seen();
      client("gap", "phone", new MemoryLastSeqStore(0), seen, small.url(), () -> TestNodes.token("gap", 3600),
          Duration.ofMillis(50)).connect().get(20, TimeUnit.SECONDS);
      await("4..6", () -> seen.seqs.size() >= 3);
      assertThat(seen.seqs).isEqualTo(range(4, 6));
      assertThat(seen.gaps).containsExactly(new Gap(0, 4));
    }
  }
}
