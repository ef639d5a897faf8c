package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.testing.TestNode;
import io.vpush.testing.TestNode.Response;
import io.vpush.testing.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delivery over real sockets (protocol.md sections 5 and 6): catch-up, the hand-over to live, cursors, devices. */
class DeliveryIT {

  private static final Duration LONG = Duration.ofSeconds(30);
  private static TestNode node;

  @BeforeAll
  static void start() {
    // No re-sends here: every frame counted below is a first send.
    node = TestNode.start(Map.of(Settings.ACK_TIMEOUT_MS, 600_000));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void thousandMessagesPublishedWhileOfflineArriveInOrderOnceAfterReconnect() {
    String user = TestNode.freshUser("offline");
    long processed;
    try (WsTestClient c = node.connectAs(user, Map.of("clientId", "app"))) {
      for (int i = 0; i < 5; i++) node.publishTo(user, "early-" + i);
      List<JsonObject> early = c.messages(5, WAIT);
      processed = WsTestClient.seq(early.get(4));
      assertThat(processed).isEqualTo(5);
    }
    List<JsonObject> answers = node.publishMany(user, 1000, i -> new JsonObject().put("n", i));
    Map<Long, String> idBySeq = new HashMap<>();
    for (JsonObject a : answers) idBySeq.put(a.getLong("seq"), a.getString("id"));
    assertThat(idBySeq.keySet()).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(6, 1005).boxed().toList());

    try (WsTestClient c = node.connect()) {
      assertThat(c.registered(user, node.token(user), Map.of("clientId", "app", "lastSeq", String.valueOf(processed)))
          .getLong("lastSeq")).isEqualTo(1005L);
      List<JsonObject> got = c.messages(1000, LONG);
      assertThat(got).extracting(WsTestClient::seq).containsExactlyElementsOf(LongStream.rangeClosed(6, 1005).boxed().toList());
      for (JsonObject m : got) assertThat(WsTestClient.id(m)).isEqualTo(idBySeq.get(WsTestClient.seq(m)));
      // Nothing else was queued behind them: the next frame is a marker published now.
      long marker = node.publishTo(user, "marker");
      assertThat(WsTestClient.seq(c.next(WAIT))).isEqualTo(marker);
    }
  }

  @Test
  void aClientThatStopsReadingDuringCatchUpGetsTheRestAndWhatCameMeanwhileWhenItReadsAgain() {
    String user = TestNode.freshUser("stalled");
    // What the socket cannot take yet is still in the store, so the catch-up must wait for it, not queue past the
    // bound and close the client as a slow consumer.
    int n = 600;
    double slowBefore = node.metric("vpush_disconnects_total", "reason=\"slow_consumer\"");
    try (WsTestClient c = node.stalledInCatchUp(user, n)) {
      // Live messages while the catch-up waits: more than it holds (CatchUp.MAX_HELD), so it lets them go to the store.
      int live = CatchUp.MAX_HELD + 100;
      node.publishMany(user, live, i -> "live-" + i);
      c.resume();
      List<JsonObject> got = c.messages(n + live, LONG);
      assertThat(got).extracting(WsTestClient::seq)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, n + live).boxed().toList());
      long marker = node.publishTo(user, "marker");
      assertThat(WsTestClient.seq(c.next(WAIT))).isEqualTo(marker);
      assertThat(node.metric("vpush_disconnects_total", "reason=\"slow_consumer\"")).isEqualTo(slowBefore);
    }
  }

  @Test
  void catchUpHandsOverToLiveWithoutGapOrDuplicate() {
    String user = TestNode.freshUser("handover");
    node.publishMany(user, 200, i -> "old-" + i);
    long lastSeq = 50;
    List<Future<Response>> inFlight = new ArrayList<>();
    for (int i = 0; i < 400; i++) inFlight.add(node.publishAsync(new JsonObject().put("user", user).put("payload", "live-" + i)));
    try (WsTestClient c = node.connect()) {
      c.register(user, node.token(user), Map.of("lastSeq", String.valueOf(lastSeq)));
      JsonObject registered = c.next(WAIT);
      assertThat(WsTestClient.isControl(registered, "registered")).as("%s", registered).isTrue();
      // Publishes were still in flight while it registered (they keep going during the catch-up).
      inFlight.add(node.publishAsync(new JsonObject().put("user", user).put("payload", "after-register")));
      WsTestClient.await(Future.all(inFlight));
      long last = 0;
      for (Future<Response> f : inFlight) {
        assertThat(f.result().status()).isEqualTo(202);
        last = Math.max(last, f.result().json().getLong("seq"));
      }
      assertThat(last).isEqualTo(601);
      final long end = last;
      List<JsonObject> got = c.framesUntil(f -> WsTestClient.seq(f) == end, LONG);
      assertThat(got).extracting(WsTestClient::seq)
          .containsExactlyElementsOf(LongStream.rangeClosed(lastSeq + 1, last).boxed().toList());
    }
  }

  @Test
  void reconnectWithoutLastSeqResumesAfterTheAckedCursorPerClientId() {
    String user = TestNode.freshUser("cursor");
    try (WsTestClient c = node.connectAs(user, Map.of("clientId", "phone"))) {
      for (int i = 1; i <= 3; i++) node.publishTo(user, "m" + i);
      assertThat(c.messages(3, WAIT)).extracting(WsTestClient::seq).containsExactly(1L, 2L, 3L);
      c.ackConfirmed(2);
    }
    try (WsTestClient c = node.connectAs(user, Map.of("clientId", "phone"))) {
      assertThat(c.messages(1, WAIT)).extracting(WsTestClient::seq).containsExactly(3L);
    }
    // Another installation of the same user has its own cursor: nothing acked yet, so everything retained.
    try (WsTestClient c = node.connectAs(user, Map.of("clientId", "laptop"))) {
      assertThat(c.messages(3, WAIT)).extracting(WsTestClient::seq).containsExactly(1L, 2L, 3L);
      c.ackConfirmed(3);
    }
    // The laptop's ack did not move the phone's cursor.
    try (WsTestClient c = node.connectAs(user, Map.of("clientId", "phone"))) {
      assertThat(c.messages(1, WAIT)).extracting(WsTestClient::seq).containsExactly(3L);
      long marker = node.publishTo(user, "marker");
      assertThat(WsTestClient.seq(c.next(WAIT))).isEqualTo(marker);
    }
    try (WsTestClient c = node.connectAs(user, Map.of("clientId", "laptop"))) {
      assertThat(c.messages(1, WAIT)).extracting(WsTestClient::seq).containsExactly(4L);
    }
  }

  @Test
  void everyDeviceGetsEveryMessageAndDeviceTargetingReachesOnlyThoseTypes() {
    String user = TestNode.freshUser("devices");
    try (WsTestClient pc = node.connectAs(user, Map.of("clientId", "a", "device", "pc"));
         WsTestClient mobile = node.connectAs(user, Map.of("clientId", "b", "device", "mobile"));
         WsTestClient pos = node.connectAs(user, Map.of("clientId", "c", "device", "pos"))) {
      node.publishTo(user, "all");
      Response targeted = node.publish(new JsonObject().put("user", user).put("payload", "pos-only").put("devices", new JsonArray().add("pos")));
      assertThat(targeted.status()).isEqualTo(202);
      node.publishTo(user, "all-again");
      // pc and mobile see a hole at 2, which is not a loss; pos sees all three.
      assertThat(pc.messages(2, WAIT)).extracting(f -> f.getValue("body")).containsExactly("all", "all-again");
      assertThat(mobile.messages(2, WAIT)).extracting(WsTestClient::seq).containsExactly(1L, 3L);
      assertThat(pos.messages(3, WAIT)).extracting(f -> f.getValue("body")).containsExactly("all", "pos-only", "all-again");
    }
    // Catch-up leaves out what was not meant for the device too.
    try (WsTestClient pc = node.connectAs(user, Map.of("clientId", "a2", "device", "pc"))) {
      assertThat(pc.messages(2, WAIT)).extracting(WsTestClient::seq).containsExactly(1L, 3L);
      long marker = node.publishTo(user, "marker");
      assertThat(WsTestClient.seq(pc.next(WAIT))).isEqualTo(marker);
    }
  }
}
