package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.testing.TestNode;
import io.vpush.testing.TestNode.Response;
import io.vpush.testing.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connection limits and frame errors over a real socket (protocol.md sections 3 and 4). */
class LimitsIT {

  private static final Duration LONG = Duration.ofSeconds(30);
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(
        Settings.AUTH_TIMEOUT_MS, 500,
        Settings.FRAME_MAX_BYTES, 1024,
        Settings.OUTBOUND_MAX_BYTES, 64 * 1024,
        Settings.ACK_TIMEOUT_MS, 600_000));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void pingIsAnsweredWithPongBeforeAndAfterRegister() {
    String user = TestNode.freshUser("ping");
    String token = node.token(user);
    try (WsTestClient c = node.connect()) {
      c.pingPong();
      c.registered(user, token, Map.of());
      c.pingPong();
    }
  }

  @Test
  void connectionWithoutRegisterIsClosedWith4001() {
    try (WsTestClient c = node.connect()) {
      c.pingPong();
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4001);
    }
  }

  @Test
  void frameOverTheLimitGetsFrameTooLargeAndClose1009() {
    try (WsTestClient c = node.connect()) {
      JsonObject big = new JsonObject().put("type", "ping").put("pad", "x".repeat(2000));
      c.send(big);
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "frame_too_large")).as("%s", err).isTrue();
      assertThat(err.getInteger("failureCode")).isEqualTo(413);
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 1009);
    }
  }

  @Test
  void invalidJsonAndUnknownTypeAreBadFrameAndTheConnectionStaysOpen() {
    String user = TestNode.freshUser("bad");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      c.sendText("this is not json");
      assertThat(WsTestClient.isError(c.next(WAIT), "bad_frame")).isTrue();
      c.sendText("[1,2,3]");
      assertThat(WsTestClient.isError(c.next(WAIT), "bad_frame")).isTrue();
      c.send(new JsonObject().put("type", "bogus").put("address", "vpush.ack"));
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "bad_frame")).as("%s", err).isTrue();
      assertThat(err.getInteger("failureCode")).isEqualTo(400);
      c.pingPong();
      node.publishTo(user, "still-open");
      assertThat(c.messages(1, WAIT).get(0).getString("body")).isEqualTo("still-open");
    }
  }

  @Test
  void addressesTheClientMayNotUseAreAccessDenied() {
    String user = TestNode.freshUser("deny");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      c.send(new JsonObject().put("type", "register").put("address", "vpush.publish"));
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
      assertThat(err.getString("address")).isEqualTo("vpush.publish");
      assertThat(err.getInteger("failureCode")).isEqualTo(403);

      JsonObject replied = c.request("vpush.publish", new JsonObject().put("user", user).put("payload", 1));
      assertThat(WsTestClient.isError(replied, "access_denied")).as("%s", replied).isTrue();
      assertThat(replied.getString("address")).startsWith("r-");

      c.send(new JsonObject().put("type", "send").put("address", "vpush.user." + user).put("body", "x"));
      JsonObject noReply = c.next(WAIT);
      assertThat(WsTestClient.isError(noReply, "access_denied")).isTrue();
      assertThat(noReply.getString("address")).isEqualTo("vpush.user." + user);

      c.send(new JsonObject().put("type", "publish").put("address", "vpush.user." + user).put("body", "x"));
      assertThat(WsTestClient.isError(c.next(WAIT), "access_denied")).isTrue();
      c.pingPong();
    }
  }

  @Test
  void sendBeforeRegisterIsNotRegistered() {
    try (WsTestClient c = node.connect()) {
      c.ack(1);
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "not_registered")).as("%s", err).isTrue();
      assertThat(err.getString("address")).isEqualTo("vpush.ack");
      assertThat(err.getInteger("failureCode")).isEqualTo(409);
      JsonObject replied = c.request("vpush.upstream", new JsonObject().put("hello", 1));
      assertThat(WsTestClient.isError(replied, "not_registered")).as("%s", replied).isTrue();
      c.pingPong();
    }
  }

  @Test
  void idleConnectionIsClosedWith1008() {
    try (TestNode idle = TestNode.start(Map.of(Settings.IDLE_TIMEOUT_MS, 1_000))) {
      String user = TestNode.freshUser("idle");
      try (WsTestClient c = idle.connectAs(user, Map.of())) {
        assertThat(c.awaitClose(WAIT)).isEqualTo((short) 1008);
      }
      assertThat(idle.metric("vpush_disconnects_total", "reason=\"idle_timeout\"")).isEqualTo(1.0);
    }
  }

  @Test
  void slowConsumerIsClosedWith1008WhileOthersGetEverything() {
    String slowUser = TestNode.freshUser("slow");
    String fastUser = TestNode.freshUser("fast");
    double before = node.metric("vpush_disconnects_total", "reason=\"slow_consumer\"");
    String slowToken = node.token(slowUser);
    // A fixed small receive buffer: the kernel does not grow it, so the server's writes back up sooner.
    WsTestClient slow = WsTestClient.connect(node.vertx(), node.port(), null, new WebSocketClientOptions().setReceiveBufferSize(16 * 1024));
    try (slow; WsTestClient fast = node.connectAs(fastUser, Map.of())) {
      slow.registered(slowUser, slowToken, Map.of());
      slow.pause();
      String big = "y".repeat(32 * 1024);
      // Only what the socket does not take counts toward the 64 KiB outbound bound (a burst is flushed first), so the
      // backlog must be well past what the kernel buffers hold (server send buffer at most 4 MiB here) and what the
      // paused Vert.x client still reads into its queue: 400 x 32 KiB. Once closed, the session writes no more, so the
      // close frame waits only behind what the buffers hold (Vert.x drops a closing connection whose peer does not
      // answer within 10 s).
      // The slow user's messages go one at a time, so they reach its session live and in seq order. Publishes in flight
      // together can arrive out of order; the session then reads the hole from the inbox, and what it reads is paced by
      // the socket rather than tripping the bound (docs/protocol.md, Slow consumers), so the client would not be closed.
      int n = 400;
      Future<Void> slowInOrder = Future.succeededFuture();
      List<Future<Response>> fastAll = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        slowInOrder = slowInOrder.compose(v -> node.publishAsync(new JsonObject().put("user", slowUser).put("payload", big))
            .compose(r -> r.status() == 202 ? Future.<Void>succeededFuture() : Future.failedFuture("publish answered " + r)));
        fastAll.add(node.publishAsync(new JsonObject().put("user", fastUser).put("payload", i)));
      }
      // The fast client gets every message, in order, while the slow one is stuck.
      List<JsonObject> got = fast.messages(n, LONG);
      assertThat(got).extracting(WsTestClient::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
      WsTestClient.await(Future.all(fastAll));
      WsTestClient.await(slowInOrder);

      // Reading again, the slow client finds the close after what the server managed to write.
      slow.resume();
      Short code = slow.awaitClose(LONG);
      // The server counts why it closed; the close frame itself reaches the client unless the machine was so slow
      // that Vert.x's 10 s closing timeout dropped the connection first (then there is no code at all).
      assertThat(node.metric("vpush_disconnects_total", "reason=\"slow_consumer\"")).isEqualTo(before + 1);
      if (code != null) assertThat(code).isEqualTo((short) 1008);
      assertThat(slow.drainNow().stream().filter(f -> WsTestClient.seq(f) > 0)).hasSizeLessThan(n);
      assertThat(node.get("/api/v1/users/" + slowUser).json().getBoolean("online")).isFalse();
      assertThat(node.get("/api/v1/users/" + fastUser).json().getBoolean("online")).isTrue();
    }
  }
}
