package io.vpush.ops;

import io.vpush.auth.TokenMinter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.cluster.TestClusterConfig;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.Deliveries;
import io.vpush.testing.RedisServer;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM of an access node under a steady publish stream, in a cluster of three processes from the fat jar over
 * one Redis: access nodes A and B, and C with dispatch, purge and delay. Clients on A get {@code control:
 * reconnect} with an {@code afterMs} inside {@code shutdown.reconnectWindowMs} and a 1012 close; each reconnects
 * to B with its lastSeq after its own afterMs. Every publish C answered 202 reaches its user exactly once by seq
 * across the two connections, and A exits 0.
 */
class GracefulShutdownClusterIT {

  private static final String KEY = "shutdown-it-key";
  private static final String SECRET = "0123456789abcdef0123456789abcdef-sd";
  private static final long WINDOW_MS = 3_000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static RedisServer redis;
  private static VPushProcess a;
  private static VPushProcess b;
  private static VPushProcess c;
  private static Vertx vertx;
  private static VPushConfig tokens;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    TestClusterConfig hz = TestClusterConfig.create(3);
    VPushProcess pa = node("a", "access", hz.file(0))
        .env(Map.of("VPUSH_SHUTDOWN_RECONNECT_WINDOW_MS", Long.toString(WINDOW_MS), "VPUSH_SHUTDOWN_TIMEOUT_MS", "20000")).launch();
    VPushProcess pb = node("b", "access", hz.file(1)).launch();
    VPushProcess pc = node("c", "dispatch,purge,delay", hz.file(2)).launch();
    a = pa.awaitLive(Duration.ofSeconds(120));
    b = pb.awaitLive(Duration.ofSeconds(120));
    c = pc.awaitLive(Duration.ofSeconds(120));
    vertx = Vertx.vertx();
    tokens = VPushConfig.defaults().with(Map.<Setting<?>, Object>of(Settings.JWT_SECRET, SECRET), "test");
  }

  private static VPushProcess.Builder node(String id, String roles, java.nio.file.Path hazelcast) {
    return VPushProcess.builder().name("shutdown-" + id).heap("256m")
        .jvmArgs("-Dvertx.hazelcast.config=" + hazelcast)
        .args("-cluster")
        .env(Map.of("VPUSH_NODE_ID", id, "VPUSH_ROLES", roles, "VPUSH_STORE", "redis", "VPUSH_REDIS_URL", redis.url(),
            "VPUSH_JWT_SECRET", SECRET, "VPUSH_API_KEY", KEY, "VPUSH_ACCESS_INSTANCES", "1", "VPUSH_TCP_BRIDGE_ENABLED", "false"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (VPushProcess p : new VPushProcess[] {a, b, c}) {
      if (p != null) p.close();
    }
    if (vertx != null) vertx.close().await();
    if (redis != null) redis.close();
  }

  @Test
  void sigtermHandsClientsToAnotherNodeWithoutLossOrDuplicate() throws Exception {
    int users = 8;
    List<String> ids = new ArrayList<>();
    List<WsTestClient> onA = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String u = "sd-" + i + "-" + System.nanoTime();
      ids.add(u);
      onA.add(connect(a, new Deliveries(u, "c" + i)));
    }
    Stream stream = new Stream(ids);
    stream.start();
    for (WsTestClient client : onA) client.deliveries().awaitRange(1, 5, WAIT);

    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> a.sigterm(Duration.ofSeconds(40)));
    ScheduledExecutorService reconnects = Executors.newScheduledThreadPool(2);
    Set<Long> afterMs = new HashSet<>();
    List<CompletableFuture<WsTestClient>> onB = new ArrayList<>();
    try {
      for (int i = 0; i < users; i++) {
        WsTestClient old = onA.get(i);
        JsonObject notice = old.awaitControl("reconnect", WAIT);
        long after = notice.getJsonObject("body").getLong("afterMs");
        assertThat(after).isBetween(0L, WINDOW_MS - 1);
        afterMs.add(after);
        assertThat(old.awaitClose(WAIT)).as("close code").isEqualTo((short) 1012);
        String user = ids.get(i);
        String clientId = "c" + i;
        long lastSeq = old.deliveries().contiguous();
        // The client's side of the contract: wait afterMs, then reconnect elsewhere with the last seq it has.
        CompletableFuture<WsTestClient> moved = new CompletableFuture<>();
        reconnects.schedule(() -> {
          try {
            moved.complete(connect(b, new Deliveries(user, clientId, lastSeq)));
          } catch (Throwable e) {
            moved.completeExceptionally(e);
          }
        }, after, TimeUnit.MILLISECONDS);
        onB.add(moved);
      }
      CompletableFuture.allOf(onB.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(exit.get(60, TimeUnit.SECONDS)).as("exit code of A; log " + a.logFile()).isZero();
      // The stream goes on a little after everyone moved, then stops; every accepted seq must arrive.
      stream.stopAfter(users * 5);
    } finally {
      stream.halt();
      reconnects.shutdownNow();
    }

    assertThat(afterMs).as("reconnect delays are jittered").hasSizeGreaterThan(1);
    assertThat(stream.failures.get()).as("publishes not answered 202").isZero();
    for (int i = 0; i < users; i++) {
      Deliveries old = onA.get(i).deliveries();
      Deliveries again = onB.get(i).get().deliveries();
      TreeSet<Long> accepted = new TreeSet<>(stream.accepted.get(ids.get(i)));
      assertThat(accepted.first()).isEqualTo(1L);
      assertThat(accepted.last()).isEqualTo(accepted.size());
      again.awaitRange(old.contiguous() + 1, accepted.last(), WAIT);
      Map<Long, Integer> before = old.counts();
      Map<Long, Integer> after = again.counts();
      assertThat(before.values()).as("duplicates on A").allMatch(n -> n == 1);
      assertThat(after.values()).as("duplicates on B").allMatch(n -> n == 1);
      assertThat(before.keySet()).as("delivered on both A and B").doesNotContainAnyElementsOf(after.keySet());
      Set<Long> all = new TreeSet<>(before.keySet());
      all.addAll(after.keySet());
      assertThat(all).as(ids.get(i) + ": every accepted seq once").isEqualTo(accepted);
      System.out.printf("%s: %d on A, %d on B after afterMs, %d accepted%n", ids.get(i), before.size(), after.size(), accepted.size());
    }
    onA.forEach(WsTestClient::close);
    for (CompletableFuture<WsTestClient> f : onB) f.get().close();
  }

  /** A client of {@code node} that acks every message as it arrives. */
  private static WsTestClient connect(VPushProcess node, Deliveries app) {
    return WsTestClient.connectAcking(vertx, node.port(), app, token(app.user()), Duration.ofSeconds(20));
  }

  private static String token(String user) {
    return io.vpush.auth.TokenMinter.mint(vertx, tokens, user, 3600, List.of(), List.of());
  }

  /** A steady stream of HTTP publishes to C from {@link #THREADS} threads, round robin over the users, recording each 202's seq by user. */
  private static final class Stream {
    final Map<String, Set<Long>> accepted = new ConcurrentHashMap<>();
    final AtomicInteger failures = new AtomicInteger();
    private final List<String> users;
    private final AtomicBoolean halted = new AtomicBoolean();
    private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
    private static final int THREADS = 3;
    private final List<Thread> threads = new ArrayList<>();

    Stream(List<String> users) {
      this.users = users;
      for (String u : users) accepted.put(u, ConcurrentHashMap.newKeySet());
    }

    void start() {
      for (int t = 0; t < THREADS; t++) {
        int first = t;
        Thread thread = new Thread(() -> run(first), "publish-stream-" + t);
        threads.add(thread);
        thread.start();
      }
    }

    /** Publishes {@code n} more, then stops; returns when the stream ended. */
    void stopAfter(int n) throws InterruptedException {
      remaining.set(n);
      for (Thread thread : threads) {
        thread.join(60_000);
        assertThat(thread.isAlive()).as("publish stream ended").isFalse();
      }
    }

    void halt() throws InterruptedException {
      halted.set(true);
      for (Thread thread : threads) thread.join(10_000);
    }

    private void run(int first) {
      int k = first;
      while (!halted.get() && remaining.getAndDecrement() > 0) {
        String user = users.get(k % users.size());
        try {
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(c.uri("/api/v1/messages"))
              .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("payload", "m" + k).encode())).build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 202) accepted.get(user).add(new JsonObject(r.body()).getLong("seq"));
          else failures.incrementAndGet();
        } catch (Exception e) {
          failures.incrementAndGet();
        }
        k++;
      }
    }
  }
}
