package io.vpush.ops;

import io.vpush.metrics.Metrics;

import io.vpush.auth.TokenMinter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives known traffic through an in-process node (raw WebSocket clients, HTTP publishes, an operator kick)
 * and checks the exact counts in {@code GET /metrics}.
 */
class MetricsTest {

  static final String SECRET = "metrics-test-secret-0123456789abcdef-xyz";
  static final String API_KEY = "metrics-test-key";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static Vertx vertx;
  private static VPushConfig config;
  private static VPushNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Map<Setting<?>, Object> s = new HashMap<>(base());
    s.put(Settings.ACK_TIMEOUT_MS, 3_000);
    s.put(Settings.ACK_MAX_RETRIES, 1);
    s.put(Settings.OUTBOUND_MAX_MESSAGES, 10);
    s.put(Settings.INBOX_CAP, 20);
    s.put(Settings.FRAME_MAX_BYTES, 1_024);
    config = VPushConfig.defaults().with(s, "test");
    node = await(VPushNode.start(vertx, config));
  }

  static Map<Setting<?>, Object> base() {
    return Map.of(Settings.HTTP_HOST, "127.0.0.1", Settings.HTTP_PORT, 0, Settings.JWT_SECRET, SECRET,
        Settings.API_KEY, API_KEY, Settings.TCP_BRIDGE_ENABLED, false);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) await(node.close());
    if (vertx != null) await(vertx.close());
  }

  @Test
  void countsMatchKnownTraffic() throws Exception {
    int port = node.httpPort();
    Scrape s0 = Scrape.of(port);
    // Every fixed series exists from the start, at 0.
    for (String reason : Metrics.DISCONNECT_REASONS) assertThat(s0.count("vpush_disconnects_total", "reason", reason)).isZero();
    assertThat(s0.count("vpush_messages_accepted_total", "door", "kafka")).isZero();

    // A registered pos client gets 5 messages and acks 3; one publish repeats an id.
    WsTestClient alice = WsTestClient.connect(vertx, port);
    alice.register("alice", token("alice"), Map.of("device", "pos", "clientId", "c-pos"));
    alice.awaitControl("registered", WAIT);
    for (int i = 1; i <= 5; i++) publish("alice", "a" + i);
    for (int i = 1; i <= 5; i++) assertThat(alice.awaitMessage(WAIT).getJsonObject("headers").getString("seq")).isEqualTo("" + i);
    alice.ackConfirmed(3);
    publish("alice", "a1");
    Scrape s1 = Scrape.of(port);
    assertThat(s1.count("vpush_connections", "transport", "websocket", "device", "pos")).isEqualTo(1);
    assertThat(s1.count("vpush_connects_total", "transport", "websocket")).isEqualTo(1);
    assertThat(s1.count("vpush_messages_accepted_total", "door", "http")).isEqualTo(5);
    assertThat(s1.count("vpush_messages_duplicate_total", "door", "http")).isEqualTo(1);
    assertThat(s1.count("vpush_messages_delivered_total")).isEqualTo(5);
    assertThat(s1.count("vpush_messages_acked_total")).isEqualTo(3);
    assertThat(s1.count("vpush_delivery_latency_seconds_count")).isEqualTo(5);
    assertThat(s1.count("vpush_ack_latency_seconds_count")).isEqualTo(3);
    assertThat(s1.count("vpush_publish_duration_seconds_count", "door", "http")).isEqualTo(6);
    assertThat(s1.count("vpush_store_op_duration_seconds_count", "op", "accept")).isEqualTo(6);

    // Seqs 4 and 5 stay unacked: re-sent once (ack.maxRetries=1), then given up.
    assertThat(alice.awaitMessage(WAIT).getJsonObject("headers").getString("seq")).isEqualTo("4");
    assertThat(alice.awaitMessage(WAIT).getJsonObject("headers").getString("seq")).isEqualTo("5");
    Scrape s2 = Scrape.await(port, s -> s.count("vpush_messages_given_up_total") == 2);
    assertThat(s2.count("vpush_messages_resent_total", "attempt", "1")).isEqualTo(2);
    assertThat(s2.count("vpush_messages_resent_total")).isEqualTo(2);

    // An operator kick.
    kick("alice");
    alice.awaitControl("kicked", WAIT);
    assertThat(alice.awaitClose(WAIT)).isEqualTo((short) 4003);

    // A bad token.
    WsTestClient bob = WsTestClient.connect(vertx, port);
    bob.register("bob", "not-a-token", Map.of("device", "web", "clientId", "c-web"));
    assertThat(bob.awaitFrame(f -> "err".equals(f.getString("type")), WAIT).getString("failureType")).isEqualTo("access_denied");
    assertThat(bob.awaitClose(WAIT)).isEqualTo((short) 4001);

    // A frame over frame.maxBytes (1 KiB here).
    WsTestClient carol = WsTestClient.connect(vertx, port);
    carol.send(new JsonObject().put("type", "ping").put("pad", "x".repeat(2_000)));
    assertThat(carol.awaitClose(WAIT)).isEqualTo((short) 1009);

    // 30 messages for an offline user with inbox.cap 20: 10 dropped. Its catch-up of 20 and then their re-send, all due
    // in one tick, are both more than outbound.maxMessages (10) frames; the client reads them, so it is no slow
    // consumer: the catch-up is paced, and the re-sent burst is flushed at once when it passes the bound.
    for (int i = 1; i <= 30; i++) publish("dave", "d" + i);
    WsTestClient dave = WsTestClient.connect(vertx, port);
    dave.register("dave", token("dave"), Map.of("device", "mobile", "clientId", "c-mobile"));
    dave.awaitControl("registered", WAIT);
    List<Long> retained = java.util.stream.LongStream.rangeClosed(11, 30).boxed().toList();
    assertThat(dave.messages(20, WAIT)).extracting(WsTestClient::seq).containsExactlyElementsOf(retained);
    Scrape.await(port, s -> s.count("vpush_messages_resent_total") == 22);
    assertThat(dave.messages(20, WAIT)).extracting(WsTestClient::seq).containsExactlyElementsOf(retained);
    dave.ackConfirmed(30);
    dave.close();

    // A client that closes itself: the server sees it after the socket is gone.
    WsTestClient erin = WsTestClient.connect(vertx, port);
    erin.register("erin", token("erin"), Map.of("device", "tablet", "clientId", "c-tablet"));
    erin.awaitControl("registered", WAIT);
    erin.close();

    // Broken SockJS framing on the SockJS WebSocket transport.
    WsTestClient frank = WsTestClient.connectPath(vertx, port, "/eventbus/000/abcdefgh/websocket");
    frank.sendText("not sockjs");
    assertThat(frank.awaitClose(WAIT)).isEqualTo((short) 1008);

    Scrape s3 = Scrape.await(port, s -> s.count("vpush_disconnects_total", "reason", "client_close") == 2);
    assertThat(s3.count("vpush_disconnects_total", "reason", "kicked")).isEqualTo(1);
    assertThat(s3.count("vpush_disconnects_total", "reason", "auth_failed")).isEqualTo(1);
    assertThat(s3.count("vpush_disconnects_total", "reason", "too_large")).isEqualTo(1);
    assertThat(s3.count("vpush_disconnects_total", "reason", "slow_consumer")).isZero();
    assertThat(s3.count("vpush_disconnects_total", "reason", "bad_frame")).isEqualTo(1);
    assertThat(s3.count("vpush_disconnects_total", "reason", "idle_timeout")).isZero();
    assertThat(s3.count("vpush_disconnects_total")).isEqualTo(6);
    assertThat(s3.count("vpush_connects_total")).isEqualTo(6);
    assertThat(s3.count("vpush_connections")).isZero();
    assertThat(s3.count("vpush_messages_accepted_total")).isEqualTo(35);
    assertThat(s3.count("vpush_inbox_dropped_cap_total")).isEqualTo(10);
    assertThat(s3.count("vpush_inbox_expired_total")).isZero();
    // Dave's 20 retained messages, each counted once: a re-send is not a delivery.
    assertThat(s3.count("vpush_messages_delivered_total") - 5).isEqualTo(20);
    assertThat(s3.count("vpush_store_op_duration_seconds_count", "op", "accept")).isEqualTo(36);
    assertThat(s3.count("vpush_store_errors_total")).isZero();
    assertThat(s3.count("vpush_outbound_queued_bytes")).isGreaterThanOrEqualTo(0);
    // The probe and the JVM binders are there.
    assertThat(s3.count("vpush_event_loop_delay_seconds_count")).isPositive();
    assertThat(s3.value("jvm_memory_used_bytes")).isPositive();
    assertThat(s3.value("process_files_open_files")).isPositive();

    // The dashboard's JSON is behind the API key and shows the same totals.
    assertThat(get("/api/v1/stats", null).statusCode()).isEqualTo(401);
    JsonObject stats = new JsonObject(get("/api/v1/stats", API_KEY).body());
    JsonObject mine = stats.getJsonArray("nodes").getJsonObject(0);
    assertThat(mine.getString("id")).isEqualTo(node.nodeId());
    assertThat(mine.getLong("accepted")).isEqualTo(35);
    assertThat(mine.getLong("acked")).isEqualTo(3 + 20);
    assertThat(mine.getLong("resent")).isEqualTo(2 + 20);
    assertThat(mine.getLong("givenUp")).isEqualTo(2);
    assertThat(mine.getLong("inboxDroppedCap")).isEqualTo(10);
    assertThat(mine.getValue("kafkaLag")).isNull();
    assertThat(mine.getJsonObject("deliveryLatencyMs").getDouble("p99")).isGreaterThanOrEqualTo(0.0);
    assertThat(stats.getJsonObject("cluster").getLong("accepted")).isEqualTo(35);
    assertThat(stats.getJsonObject("cluster").getInteger("nodes")).isEqualTo(1);
  }

  @Test
  void idleClientsAreCountedAsIdleTimeouts() throws Exception {
    Map<Setting<?>, Object> s = new HashMap<>(base());
    s.put(Settings.IDLE_TIMEOUT_MS, 1_000);
    VPushNode idle = await(VPushNode.start(vertx, VPushConfig.defaults().with(s, "test")));
    try {
      WsTestClient quiet = WsTestClient.connect(vertx, idle.httpPort());
      assertThat(quiet.awaitClose(WAIT)).isEqualTo((short) 1008);
      Scrape after = Scrape.of(idle.httpPort());
      assertThat(after.count("vpush_disconnects_total", "reason", "idle_timeout")).isEqualTo(1);
      assertThat(after.count("vpush_disconnects_total")).isEqualTo(1);
    } finally {
      await(idle.close());
    }
  }

  static String token(Vertx vertx, String user) {
    return TokenMinter.mint(vertx, VPushConfig.defaults().with(base(), "test"), user, 3600, List.of(), List.of());
  }

  static String token(String user) {
    return token(vertx, user);
  }

  private void publish(String user, String id) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/messages"))
        .header("Authorization", "Bearer " + API_KEY).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("id", id)
            .put("payload", new JsonObject().put("n", id)).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  private void kick(String user) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/users/" + user + "/connections"))
        .header("Authorization", "Bearer " + API_KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
