package io.vpush.cluster;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.auth.TokenMinter;
import io.vpush.purge.PublishRequest;
import io.vpush.testing.Deliveries;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clustered nodes in one JVM (two Vert.x instances, real Hazelcast on loopback, real Redis): node A accepts
 * (purge, delay, dispatch) and has access on one event loop, node B is access only, on two (two shards, two endpoint
 * consumers).
 */
@NeedsRedis
class ClusterDispatchTest {

  private static final String KEY = "cluster-key";
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static RedisServer redis;
  private static Vertx vertxA;
  private static Vertx vertxB;
  private static VPushNode a;
  private static VPushNode b;
  private static VPushConfig configA;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    TestClusterConfig hz = TestClusterConfig.create(2);
    configA = config("node-a", List.of("access", "dispatch", "purge", "delay"), 1);
    VPushConfig configB = config("node-b", List.of("access"), 2);
    long t0 = System.nanoTime();
    var fa = ClusterBootstrap.start(new VertxOptions(), configA, hz.member(0));
    var fb = ClusterBootstrap.start(new VertxOptions(), configB, hz.member(1));
    vertxA = fa.await(60, TimeUnit.SECONDS);
    vertxB = fb.await(60, TimeUnit.SECONDS);
    System.out.println("cluster of 2 joined in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    a = VPushNode.start(vertxA, configA).await(60, TimeUnit.SECONDS);
    b = VPushNode.start(vertxB, configB).await(60, TimeUnit.SECONDS);
  }

  private static VPushConfig config(String id, List<String> roles, int loops) {
    Map<Setting<?>, Object> m = new HashMap<>();
    m.put(Settings.NODE_ID, id);
    m.put(Settings.ROLES, roles);
    m.put(Settings.STORE, "redis");
    m.put(Settings.REDIS_URL, List.of(redis.url()));
    m.put(Settings.HTTP_HOST, "127.0.0.1");
    m.put(Settings.HTTP_PORT, 0);
    m.put(Settings.ACCESS_INSTANCES, loops);
    m.put(Settings.JWT_SECRET, SECRET);
    m.put(Settings.API_KEY, KEY);
    m.put(Settings.TCP_BRIDGE_ENABLED, false);
    return VPushConfig.defaults().with(m, "test");
  }

  @AfterAll
  static void stop() throws Exception {
    if (b != null) b.close().await(30, TimeUnit.SECONDS);
    if (a != null) a.close().await(30, TimeUnit.SECONDS);
    if (vertxB != null) vertxB.close().await(30, TimeUnit.SECONDS);
    if (vertxA != null) vertxA.close().await(30, TimeUnit.SECONDS);
    if (redis != null) redis.close();
  }

  private static String user() {
    return "u-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String token(String user) {
    return TokenMinter.mint(vertxA, configA, user, 3600, List.of("*"), List.of());
  }

  /** A client of {@code node} that acks every message as it arrives, registered with {@code lastSeq}. */
  private static WsTestClient connect(VPushNode node, String user, String clientId, long lastSeq) {
    return WsTestClient.connectAcking(vertxA, node.httpPort(), new Deliveries(user, clientId, lastSeq), token(user), Duration.ofSeconds(20));
  }

  private static void publish(String user, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      PublishRequest r = a.publisher().parse(new JsonObject().put("user", user).put("payload", new JsonObject().put("i", i)), null);
      a.publisher().publish(r, "test").await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void connectListsEveryAccessNodeOfTheCluster() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.httpPort() + "/api/v1/connect")).build();
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> ids = List.of();
    // The registry is refreshed every two seconds: B shows up within one refresh of A's.
    while (System.nanoTime() < deadline && ids.size() < 2) {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      ids = new JsonObject(r.body()).getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("id")).toList();
      if (ids.size() < 2) Thread.sleep(100); // poll interval: the registry changes on its own schedule, no event to await here
    }
    assertThat(ids).containsExactlyInAnyOrder("node-a", "node-b");
  }

  @Test
  void aUserWhoConnectsRightAfterDispatchesGetsEveryLaterMessageLive() throws Exception {
    String u = user();
    publish(u, 5);   // dispatched from A while u has no route anywhere
    try (WsTestClient c = connect(b, u, "c1", 0)) {
      Deliveries got = c.deliveries();
      got.awaitRange(1, 5, WAIT);
      publish(u, 20);
      got.awaitRange(1, 25, WAIT);
      assertThat(got.duplicates()).isEmpty();
      assertThat(got.distinct()).isEqualTo(25);
    }
  }

  @Test
  void theFirstMessageAfterARegisterArrivesLive() throws Exception {
    // A register's route write must reach Redis before its catch-up read: otherwise a message accepted between the
    // two is neither in the catch-up nor routed to the new session (nothing after it makes the session read again).
    for (int i = 0; i < 20; i++) {
      String u = user();
      try (WsTestClient c = connect(b, u, "c1", 0)) {
        publish(u, 1);
        c.deliveries().awaitRange(1, 1, WAIT);
      }
    }
  }

  @Test
  void aSecondDeviceOnAnotherNodeGetsLiveMessagesDespiteACachedRoute() throws Exception {
    String u = user();
    try (WsTestClient onA = connect(a, u, "phone", 0)) {
      publish(u, 3);   // A's L1 now says u -> [node-a]
      onA.deliveries().awaitRange(1, 3, WAIT);
      try (WsTestClient onB = connect(b, u, "desk", 0)) {   // the register holds u in A's L1
        publish(u, 10);
        onB.deliveries().awaitRange(1, 13, WAIT);
        onA.deliveries().awaitRange(1, 13, WAIT);
        assertThat(onB.deliveries().duplicates()).isEmpty();
      }
    }
  }

  @Test
  void aClientThatMovesKeepsReceiving() throws Exception {
    String u = user();
    try (WsTestClient first = connect(b, u, "c1", 0)) {
      publish(u, 3);   // A caches u -> [node-b]
      first.deliveries().awaitRange(1, 3, WAIT);
    }
    try (WsTestClient moved = connect(a, u, "c1", 3)) {
      publish(u, 5);
      moved.awaitFrame(f -> WsTestClient.seq(f) == 8, WAIT);
    }
  }

  @Test
  void theSameClientOnAnotherNodeKicksTheOldConnection() throws Exception {
    String u = user();
    try (WsTestClient old = connect(b, u, "same", 0); WsTestClient fresh = connect(a, u, "same", 0)) {
      old.awaitControl("kicked", WAIT);
      assertThat(old.awaitClose(WAIT)).isEqualTo((short) 4003);
    }
  }

  @Test
  void theAdminKickWorksFromANodeWithoutTheUser() throws Exception {
    String u = user();
    try (WsTestClient c = connect(b, u, "c1", 0)) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + a.httpPort() + "/api/v1/users/" + u + "/connections"))
          .header("Authorization", "Bearer " + KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(r.body()).getInteger("kicked")).isEqualTo(1);
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4003);
    }
  }

  @Test
  void topicsReachSubscribersOnEveryNode() throws Exception {
    String u = user();
    try (WsTestClient c = connect(b, u, "c1", 0)) {
      c.send(new JsonObject().put("type", "register").put("address", "vpush.topic.news").put("headers", new JsonObject().put("token", token(u))));
      // A subscription is confirmed by nothing on the wire; publish until one arrives (each publish is an event).
      PublishRequest r = a.publisher().parse(new JsonObject().put("topic", "news").put("payload", "hello"), null);
      JsonObject got = null;
      for (int i = 0; i < 50 && got == null; i++) {
        a.publisher().publish(r, "test").await(10, TimeUnit.SECONDS);
        try {
          got = c.awaitFrame(f -> "vpush.topic.news".equals(f.getString("address")), Duration.ofMillis(200));
        } catch (AssertionError e) {
          // not subscribed yet
        }
      }
      assertThat(got).isNotNull();
      assertThat(got.getString("body")).isEqualTo("hello");
    }
  }

  @Test
  void theNodeListShowsBothAccessNodes() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + b.httpPort() + "/api/v1/nodes")).header("Authorization", "Bearer " + KEY).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray nodes = new JsonArray(r.body());
    assertThat(nodes.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactlyInAnyOrder("node-a", "node-b");
    assertThat(nodes.getJsonObject(0).getString("url")).startsWith("ws://127.0.0.1:");
  }

  @Test
  void theStatsOfEitherNodeCoverTheWholeCluster() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            // Node B started second: its first registry read already held A's entry.
            URI.create("http://127.0.0.1:" + b.httpPort() + "/api/v1/stats")).header("Authorization", "Bearer " + KEY).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject stats = new JsonObject(r.body());
    assertThat(stats.getJsonArray("nodes").stream().map(o -> ((JsonObject) o).getString("id"))).containsExactlyInAnyOrder("node-a", "node-b");
    assertThat(stats.getJsonObject("cluster").getInteger("nodes")).isEqualTo(2);
  }

  @Test
  void remoteBatchesAreHandledOnSeveralLoopsAndNoShardIsTouchedOffItsOwn() throws Exception {
    String prefix = "l-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    List<WsTestClient> clients = new ArrayList<>();
    try {
      for (int u = 0; u < 40; u++) {
        String user = prefix + u;
        String token = token(user);
        clients.add(WsTestClient.connectAcking(vertxA, b.httpPort(), new Deliveries(user, "c1", 0), token, Duration.ofSeconds(20)));
      }
      // Under load: every publish at once, so B's endpoint gets many batches in a short time.
      List<Future<JsonObject>> published = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        for (int u = 0; u < 40; u++) {
          JsonObject body = new JsonObject().put("user", prefix + u).put("payload", new JsonObject().put("i", i));
          published.add(a.publisher().publish(a.publisher().parse(body, null), "test"));
        }
      }
      Future.all(published).await(30, TimeUnit.SECONDS);
      for (WsTestClient c : clients) {
        c.deliveries().awaitRange(1, 25, Duration.ofSeconds(30));
        assertThat(c.deliveries().duplicates()).isEmpty();
      }
    } finally {
      for (WsTestClient c : clients) c.close();
    }
    Map<String, Double> byLoop = new HashMap<>();
    for (Counter c : b.metrics().registry().find("vpush_node_batches_total").counters()) {
      if (c.count() > 0) byLoop.put(c.getId().getTag("loop"), c.count());
    }
    assertThat(byLoop).as("remote delivery batches by the loop that handled them").hasSizeGreaterThanOrEqualTo(2);
    assertThat(byLoop.keySet()).allMatch(loop -> loop.startsWith("vert.x-eventloop-thread-"));
    Counter violations = b.metrics().registry().find("vpush_shard_confinement_violations_total").counter();
    assertThat(violations == null ? 0 : violations.count()).as("shard state touched off its loop").isZero();
  }
}
