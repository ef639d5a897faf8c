package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.RawWebSocket;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Clients that misbehave on purpose, over real sockets: a client that stops reading, floods pings or frames,
 * sends malformed tokens or oversize frames. Each test starts its own node, so node-wide metrics are its own.
 */
class HostileClientIT {

  private static final Duration LONG = Duration.ofSeconds(30);

  private static TestNode start(Map<Setting<?>, Object> overrides) {
    Map<Setting<?>, Object> all = new HashMap<>(Map.of(Settings.ACK_TIMEOUT_MS, 600_000));
    all.putAll(overrides);
    return TestNode.start(all);
  }

  private static String registerFrame(String user, String token) {
    JsonObject headers = new JsonObject();
    if (token != null) headers.put("token", token);
    return new JsonObject().put("type", "register").put("address", "vpush.user." + user).put("headers", headers).encode();
  }

  /** Reads frames until a text frame containing {@code fragment}; fails on a close first. */
  private static JsonObject awaitText(RawWebSocket ws, String fragment) throws IOException {
    while (true) {
      RawWebSocket.Frame f = ws.read(WAIT);
      if (f.opcode() == 8) throw new AssertionError("closed with " + f.closeCode() + " before " + fragment);
      if (f.opcode() == 1 && f.text().contains(fragment)) return new JsonObject(f.text());
    }
  }

  // --- item 1: a close that cannot be written ---

  @Test
  void aSlowConsumerThatStopsReadingIsDroppedWithinTheCloseTimeoutAndItsBuffersFreed() throws Exception {
    try (TestNode node = start(Map.of(Settings.OUTBOUND_MAX_BYTES, 64 * 1024, Settings.CLOSE_TIMEOUT_MS, 1_000))) {
      String user = TestNode.freshUser("stuck");
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/eventbus/websocket", 16 * 1024)) {
        ws.sendText(registerFrame(user, node.token(user)));
        awaitText(ws, "registered");
        // From here the client reads nothing. Messages one at a time, so they reach the session live and in order.
        String big = "y".repeat(32 * 1024);
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < 400; i++) {
          chain = chain.compose(v -> node.publishAsync(new JsonObject().put("user", user).put("payload", big)).mapEmpty());
        }
        WsTestClient.await(chain);
        node.awaitMetric("vpush_disconnects_total", "reason=\"slow_consumer\"", v -> v == 1, LONG);
        // The close frame sits behind what the socket would not take: the connection is reset within close.timeoutMs,
        // and what was queued for it is freed, while the client still has not read a byte.
        node.awaitMetric("vpush_close_forced_total", "transport=\"websocket\"", v -> v == 1, Duration.ofSeconds(5));
        node.awaitMetric("vpush_outbound_queued_bytes", "", v -> v == 0, Duration.ofSeconds(5));
        assertThat(ws.awaitEnd(Duration.ofSeconds(10))).isIn(RawWebSocket.End.RESET, RawWebSocket.End.EOF);
      }
      // The node still serves others.
      String other = TestNode.freshUser("ok");
      try (WsTestClient c = node.connectAs(other, Map.of())) {
        node.publishTo(other, "fine");
        assertThat(c.messages(1, WAIT).get(0).getString("body")).isEqualTo("fine");
      }
    }
  }

  @Test
  void aSockJsWebSocketSlowConsumerThatStopsReadingIsDroppedWithinTheCloseTimeout() throws Exception {
    try (TestNode node = start(Map.of(Settings.OUTBOUND_MAX_BYTES, 64 * 1024, Settings.CLOSE_TIMEOUT_MS, 1_000))) {
      String user = TestNode.freshUser("stuckjs");
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/eventbus/000/stuckjs1/websocket", 16 * 1024)) {
        ws.sendText(new io.vertx.core.json.JsonArray().add(registerFrame(user, node.token(user))).encode());
        while (!ws.read(WAIT).text().contains("registered")) {
          // "o", then the registered control frame
        }
        String big = "y".repeat(32 * 1024);
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < 400; i++) {
          chain = chain.compose(v -> node.publishAsync(new JsonObject().put("user", user).put("payload", big)).mapEmpty());
        }
        WsTestClient.await(chain);
        node.awaitMetric("vpush_disconnects_total", "reason=\"slow_consumer\"", v -> v == 1, LONG);
        node.awaitMetric("vpush_outbound_queued_bytes", "", v -> v == 0, Duration.ofSeconds(5));
        assertThat(ws.awaitEnd(Duration.ofSeconds(10))).isIn(RawWebSocket.End.RESET, RawWebSocket.End.EOF);
      }
    }
  }

  @Test
  void aClientThatAnswersTheCloseIsClosedCleanlyWithoutAForcedDrop() {
    try (TestNode node = start(Map.of(Settings.AUTH_TIMEOUT_MS, 300, Settings.CLOSE_TIMEOUT_MS, 60_000))) {
      try (WsTestClient c = node.connect()) {
        assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4001);
      }
      assertThat(node.metric("vpush_close_forced_total", "")).isZero();
    }
  }

  // --- item 2: pings ---

  @Test
  void pingsFromAClientThatDoesNotReadQueueAtMostOnePongAndTheAuthTimeoutStillCloses() throws Exception {
    // Rate limits out of the way: this is about the pongs.
    try (TestNode node = start(Map.of(Settings.AUTH_TIMEOUT_MS, 2_000, Settings.CLOSE_TIMEOUT_MS, 1_000,
        Settings.RATE_FRAMES_PER_SECOND, 1_000_000, Settings.RATE_FRAMES_BURST, 10_000_000))) {
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/eventbus/websocket", 8 * 1024)) {
        byte[] payload = "p".repeat(125).getBytes(StandardCharsets.US_ASCII);
        byte[] ping = RawWebSocket.encode(9, payload);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 1_000; i++) batch.write(ping);
        byte[] thousand = batch.toByteArray();
        // A warm-up fills the kernel's buffers and the pools' first chunks; then 200,000 pings (26 MB) never read:
        // answered one by one, their pongs would hold ~25 MB of the node's memory.
        for (int i = 0; i < 100; i++) ws.output().write(thousand);
        ws.output().flush();
        long directBefore = directMemory();
        for (int i = 0; i < 200; i++) ws.output().write(thousand);
        ws.output().flush();
        long grown = directMemory() - directBefore;
        System.out.println("direct memory grown by 200,000 unread pings: " + grown);
        assertThat(grown).as("direct memory grown by pings").isLessThan(8L * 1024 * 1024);
        // Never registered: closed by the auth timeout, and dropped although it reads nothing.
        node.awaitMetric("vpush_disconnects_total", "reason=\"auth_failed\"", v -> v == 1, Duration.ofSeconds(10));
        node.awaitMetric("vpush_close_forced_total", "transport=\"websocket\"", v -> v == 1, Duration.ofSeconds(5));
        assertThat(ws.awaitEnd(Duration.ofSeconds(10))).isIn(RawWebSocket.End.RESET, RawWebSocket.End.EOF);
      }
    }
  }

  private static long directMemory() {
    System.gc();
    long used = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) used += pool.getMemoryUsed();
    }
    return used;
  }

  // --- item 3: rate limits and the topic cap ---

  @Test
  void aFloodOfFramesIsRefusedWithRateLimitedAndThenClosedWith1008() throws Exception {
    try (TestNode node = start(Map.of(Settings.RATE_FRAMES_PER_SECOND, 100, Settings.RATE_FRAMES_BURST, 200,
        Settings.RATE_REFUSED_BEFORE_CLOSE, 50))) {
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/eventbus/websocket", 0)) {
        byte[] ping = RawWebSocket.encode(1, "{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < 15_000; i++) flood.write(ping);
        ws.output().write(flood.toByteArray());
        ws.output().flush();
        int pongs = 0;
        int limited = 0;
        while (true) {
          RawWebSocket.Frame f = ws.read(WAIT);
          if (f.opcode() == 8) {
            assertThat(f.closeCode()).isEqualTo(1008);
            break;
          }
          JsonObject frame = new JsonObject(f.text());
          if ("pong".equals(frame.getString("type"))) pongs++;
          else if (WsTestClient.isError(frame, "rate_limited")) {
            assertThat(frame.getInteger("failureCode")).isEqualTo(429);
            limited++;
          }
        }
        assertThat(pongs).isBetween(200, 400); // the burst, plus what the rate refilled meanwhile
        assertThat(limited).isBetween(1, 51);
      }
      assertThat(node.metric("vpush_disconnects_total", "reason=\"rate_limited\"")).isEqualTo(1);
      assertThat(node.metric("vpush_rate_limited_total", "limit=\"frames\"")).isGreaterThan(0);
    }
  }

  @Test
  void aNormalBurstWithinTheDefaultsIsAllAnswered() {
    try (TestNode node = start(Map.of())) {
      String user = TestNode.freshUser("burst");
      try (WsTestClient c = node.connectAs(user, Map.of())) {
        // A catch-up of 1,000 messages acked one by one is 1,000 frames at once: within the default burst.
        for (int i = 0; i < 1_000; i++) c.ping();
        for (int i = 0; i < 1_000; i++) {
          JsonObject f = c.next(WAIT);
          assertThat(f.getString("type")).as("%s", f).isEqualTo("pong");
        }
      }
      assertThat(node.metric("vpush_rate_limited_total", "")).isZero();
    }
  }

  @Test
  void upstreamPastItsRateIsRefusedWithRateLimited() throws Exception {
    try (TestNode node = start(Map.of(Settings.RATE_UPSTREAM_PER_SECOND, 1, Settings.RATE_UPSTREAM_BURST, 5))) {
      String user = TestNode.freshUser("up");
      try (WsTestClient c = node.connectAs(user, Map.of())) {
        List<JsonObject> replies = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<JsonObject>> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) pending.add(c.requestAsync("vpush.upstream", new JsonObject().put("n", i)));
        for (var p : pending) replies.add(p.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        long ok = replies.stream().filter(r -> r.getValue("body") instanceof JsonObject b && b.getBoolean("ok", false)).count();
        long limited = replies.stream().filter(r -> WsTestClient.isError(r, "rate_limited")).count();
        assertThat(ok).as("%s", replies).isBetween(5L, 6L);
        assertThat(ok + limited).isEqualTo(10);
        c.pingPong(); // refused, not closed
      }
      assertThat(node.metric("vpush_rate_limited_total", "limit=\"upstream\"")).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void subscriptionsPastTheCapAreAccessDenied() {
    try (TestNode node = start(Map.of(Settings.TOPICS_PUBLIC, List.of("t.*"), Settings.TOPICS_MAX_PER_CONNECTION, 2))) {
      String user = TestNode.freshUser("cap");
      try (WsTestClient c = node.connectAs(user, Map.of())) {
        subscribe(c, "t.a");
        subscribe(c, "t.b");
        subscribe(c, "t.a"); // already held: no error
        c.pingPong();
        subscribe(c, "t.c");
        JsonObject err = c.next(WAIT);
        assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
        assertThat(err.getString("address")).isEqualTo("vpush.topic.t.c");
        c.send(new JsonObject().put("type", "unregister").put("address", "vpush.topic.t.a"));
        subscribe(c, "t.c"); // room again
        c.pingPong();
      }
      assertThat(node.metric("vpush_topic_subscriptions_refused_total", "")).isEqualTo(1);
    }
  }

  private static void subscribe(WsTestClient c, String topic) {
    c.send(new JsonObject().put("type", "register").put("address", "vpush.topic." + topic));
  }

  // --- item 4: tokens that are refused at once ---

  @Test
  void aTokenParameterThatIsNotUrlEncodingIsDeniedAtOnce() throws Exception {
    try (TestNode node = start(Map.of(Settings.AUTH_TIMEOUT_MS, 30_000))) {
      String user = TestNode.freshUser("pct");
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/eventbus/websocket?token=%zz", 0)) {
        ws.sendText(registerFrame(user, null));
        JsonObject err = awaitText(ws, "\"err\"");
        assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
        assertThat(ws.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(4001);
      }
    }
  }

  @Test
  void aSignedTokenWhoseExpIsNotANumberIsDeniedAtOnce() throws Exception {
    try (TestNode node = start(Map.of(Settings.AUTH_TIMEOUT_MS, 30_000))) {
      String user = TestNode.freshUser("exp");
      for (Object exp : List.of("tomorrow", new JsonObject().put("a", 1), true)) {
        String token = hs256(new JsonObject().put("sub", user).put("exp", exp), TestNode.SECRET);
        try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/eventbus/websocket", 0)) {
          ws.sendText(registerFrame(user, token));
          JsonObject err = awaitText(ws, "\"err\"");
          assertThat(WsTestClient.isError(err, "access_denied")).as("exp %s: %s", exp, err).isTrue();
          assertThat(ws.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(4001);
        }
      }
      // A sub that is not a string is refused the same way.
      String token = hs256(new JsonObject().put("sub", new JsonObject()), TestNode.SECRET);
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/eventbus/websocket", 0)) {
        ws.sendText(registerFrame(user, token));
        JsonObject err = awaitText(ws, "\"err\"");
        assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
        assertThat(ws.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(4001);
      }
    }
  }

  private static String hs256(JsonObject claims, String secret) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String body = b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String sig = b64.encodeToString(mac.doFinal((head + "." + body).getBytes(StandardCharsets.US_ASCII)));
    return head + "." + body + "." + sig;
  }

  // --- item 5: oversize frames ---

  @Test
  void noWebSocketDoorAgreesToCompression() throws IOException {
    // A deflater and an inflater per connection are hundreds of KB of native memory any client could ask for.
    try (TestNode node = start(Map.of())) {
      for (String path : List.of("/eventbus/websocket", "/eventbus/000/deflate/websocket")) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.port())) {
          s.setSoTimeout(10_000);
          s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          ByteArrayOutputStream head = new ByteArrayOutputStream();
          while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int c = s.getInputStream().read();
            if (c < 0) break;
            head.write(c);
          }
          String answer = head.toString(StandardCharsets.ISO_8859_1);
          assertThat(answer).as(path).startsWith("HTTP/1.1 101");
          assertThat(answer.toLowerCase()).as(path).doesNotContain("sec-websocket-extensions");
        }
      }
    }
  }

  @Test
  void everyOversizeFrameIsClosedWith1009() {
    try (TestNode node = start(Map.of(Settings.FRAME_MAX_BYTES, 1024))) {
      List<Integer> codes = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        // Half past the codec's limit (4x frame.maxBytes: Netty's decoder refuses it), half between the two (vpush's
        // own frame_too_large); the client goes on writing while the server closes. Raw WebSocket and SockJS's
        // WebSocket (Vert.x's decoder there) in turn; one JSON string is a SockJS message too.
        int size = i % 2 == 0 ? 256 * 1024 : 3 * 1024;
        String path = i % 4 < 2 ? "/eventbus/websocket" : "/eventbus/000/big" + i + "/websocket";
        try (RawWebSocket ws = RawWebSocket.connect(node.port(), path, 0)) {
          // A write that fails means the server reset the connection while the frame was arriving.
          if (!ws.trySendFrame(1, ("\"" + "x".repeat(size) + "\"").getBytes(StandardCharsets.US_ASCII))) {
            codes.add(-2);
            continue;
          }
          try {
            codes.add(ws.awaitCloseCode(Duration.ofSeconds(10)));
          } catch (AssertionError e) {
            codes.add(-1); // reset or EOF before the close frame: what a browser reports as 1006
          }
        }
      }
      System.out.println("oversize close codes (raw, raw, sockjs, sockjs, ...): " + codes);
      assertThat(codes).containsOnly(1009);
    }
  }
}
