package io.vpush.cluster;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.auth.TokenMinter;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.Deliveries;
import io.vpush.testing.RedisServer;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis-backed cluster of two (real Hazelcast on loopback): node A takes messages in, node B holds the clients on
 * two event loops. The remote delivery batches B receives are handled by the endpoint consumers of more than one
 * loop, every message reaches its client once, and no shard's state is touched off its own loop.
 */
class ShardLoopsTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final int USERS = 40;
  private static final int PER_USER = 25;
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
    configA = config("loops-a", List.of("dispatch", "purge"), 1);
    VPushConfig configB = config("loops-b", List.of("access"), 2);
    var fa = ClusterBootstrap.start(new VertxOptions(), configA, hz.member(0));
    var fb = ClusterBootstrap.start(new VertxOptions(), configB, hz.member(1));
    vertxA = fa.await(60, TimeUnit.SECONDS);
    vertxB = fb.await(60, TimeUnit.SECONDS);
    a = VPushNode.start(vertxA, configA).await(60, TimeUnit.SECONDS);
    b = VPushNode.start(vertxB, configB).await(60, TimeUnit.SECONDS);
  }

  private static VPushConfig config(String id, List<String> roles, int instances) {
    Map<Setting<?>, Object> m = new HashMap<>();
    m.put(Settings.NODE_ID, id);
    m.put(Settings.ROLES, roles);
    m.put(Settings.STORE, "redis");
    m.put(Settings.REDIS_URL, List.of(redis.url()));
    m.put(Settings.HTTP_HOST, "127.0.0.1");
    m.put(Settings.HTTP_PORT, 0);
    m.put(Settings.ACCESS_INSTANCES, instances);
    m.put(Settings.JWT_SECRET, SECRET);
    m.put(Settings.API_KEY, "loops-key");
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

  @Test
  void remoteBatchesAreHandledOnSeveralLoopsAndNoShardIsTouchedOffItsOwn() throws Exception {
    String prefix = "l-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    List<WsTestClient> clients = new ArrayList<>();
    try {
      for (int u = 0; u < USERS; u++) {
        String user = prefix + u;
        String token = TokenMinter.mint(vertxA, configA, user, 3600, List.of(), List.of());
        clients.add(WsTestClient.connectAcking(vertxA, b.httpPort(), new Deliveries(user, "c1", 0), token, Duration.ofSeconds(20)));
      }
      // Under load: every publish at once, so B's endpoint gets many batches in a short time.
      List<Future<JsonObject>> published = new ArrayList<>();
      for (int i = 0; i < PER_USER; i++) {
        for (int u = 0; u < USERS; u++) {
          JsonObject body = new JsonObject().put("user", prefix + u).put("payload", new JsonObject().put("i", i));
          published.add(a.publisher().publish(a.publisher().parse(body, null), "test"));
        }
      }
      Future.all(published).await(30, TimeUnit.SECONDS);
      for (WsTestClient c : clients) {
        c.deliveries().awaitRange(1, PER_USER, Duration.ofSeconds(30));
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
