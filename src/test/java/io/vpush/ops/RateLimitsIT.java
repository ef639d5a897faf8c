package io.vpush.ops;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.FreePorts;
import io.vpush.testing.RawWebSocket;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The node-wide rate limits against a real node with small limits: new connections past the burst get 429
 * at the handshake (raw WebSocket, SockJS WebSocket, a new SockJS polling session) and a client that comes back after
 * the wait registers; publishes past the burst get 429 over HTTP and {@code err rate_limited} over the TCP bridge and
 * the event bus; a client connected before keeps receiving throughout; every refusal is counted.
 */
class RateLimitsIT {

  /** The limits are tiny, and refill at one a second: a loop of attempts meets the limit within a few of them. */
  private static final int ATTEMPTS = 40;

  private static TestNode start(Map<Setting<?>, Object> overrides) {
    Map<Setting<?>, Object> all = new HashMap<>(Map.of(Settings.ACK_TIMEOUT_MS, 600_000));
    all.putAll(overrides);
    return TestNode.start(all);
  }

  // --- new connections per second ---

  @Test
  void connectionsPastTheBurstGet429AtTheHandshakeAndAClientAfterTheWaitRegisters() throws Exception {
    try (TestNode node = start(Map.of(Settings.RATE_CONNECTIONS_PER_SECOND, 1, Settings.RATE_CONNECTIONS_BURST, 4))) {
      String user = TestNode.freshUser("before");
      try (WsTestClient before = node.connectAs(user, Map.of())) {
        node.publishTo(user, "m0");

        // Raw WebSocket upgrades until one is refused: the burst is taken first (less the client above), then 429.
        int upgraded = 0;
        HttpAnswer refused = null;
        for (int i = 0; i < ATTEMPTS && refused == null; i++) {
          HttpAnswer a = HttpAnswer.upgrade(node.port(), "/eventbus/websocket");
          if (a.status() == 101) upgraded++;
          else refused = a;
        }
        assertThat(refused).as("an upgrade past the burst is refused").isNotNull();
        assertThat(upgraded).as("the burst is honoured before the first refusal").isGreaterThanOrEqualTo(3);
        assertRateLimited(refused);

        // The SockJS WebSocket transport and a new SockJS polling session count against the same rate.
        assertRateLimited(firstRefusal(() -> HttpAnswer.upgrade(node.port(), "/eventbus/000/" + session() + "/websocket")));
        assertRateLimited(firstRefusal(() -> HttpAnswer.request(node.port(), "POST", "/eventbus/000/" + session() + "/xhr", "")));

        // The client connected before still receives.
        node.publishTo(user, "m1");
        assertThat(before.messages(2, WAIT)).extracting(m -> m.getString("body")).containsExactly("m0", "m1");

        // A client that comes back after the wait connects and registers.
        RawWebSocket later = connectWithin(node.port(), Duration.ofSeconds(refused.retryAfter() + 10));
        try (later) {
          String laterUser = TestNode.freshUser("after");
          later.sendText(new JsonObject().put("type", "register").put("address", "vpush.user." + laterUser)
              .put("headers", new JsonObject().put("token", node.token(laterUser))).encode());
          assertThat(awaitText(later, "registered")).contains("registered");
        }
      }
      assertThat(node.metric("vpush_node_rate_limited_total", "door=\"websocket\",limit=\"connections\"")).isGreaterThanOrEqualTo(1);
      assertThat(node.metric("vpush_node_rate_limited_total", "door=\"sockjs\",limit=\"connections\"")).isGreaterThanOrEqualTo(2);
    }
  }

  // --- publishes per second (the node's one API key) ---

  @Test
  void publishesPastTheBurstGet429OverHttpAndRateLimitedOverTheBridgeAndTheEventBus() throws Exception {
    int bridgePort = FreePorts.free();
    try (TestNode node = start(Map.of(Settings.RATE_PUBLISHES_PER_SECOND, 1, Settings.RATE_PUBLISHES_BURST, 5,
        Settings.TCP_BRIDGE_ENABLED, true, Settings.TCP_BRIDGE_PORT, bridgePort))) {
      String user = TestNode.freshUser("pub");
      try (WsTestClient client = node.connectAs(user, Map.of())) {
        // One request is one event whatever its users: five ten-user publishes fit the burst of five.
        JsonArray users = new JsonArray().add(user);
        for (int i = 1; i < 10; i++) users.add(TestNode.freshUser("other"));
        for (int i = 0; i < 5; i++) {
          assertThat(node.publish(new JsonObject().put("users", users).put("payload", "multi" + i)).status()).isEqualTo(202);
        }
        int delivered = 5;

        // HTTP: past the burst, 429 with Retry-After and the JSON reason.
        HttpAnswer refused = null;
        for (int i = 0; i < ATTEMPTS && refused == null; i++) {
          HttpAnswer a = HttpAnswer.request(node.port(), "POST", "/api/v1/messages",
              new JsonObject().put("user", user).put("payload", "http" + i).encode());
          if (a.status() == 202) delivered++;
          else refused = a;
        }
        assertThat(refused).as("a publish past the burst is refused").isNotNull();
        assertRateLimited(refused);

        // TCP bridge: err rate_limited to the frame's replyAddress.
        try (Socket bridge = new Socket()) {
          bridge.connect(new InetSocketAddress("127.0.0.1", bridgePort), 5_000);
          bridge.setSoTimeout(10_000);
          DataOutputStream out = new DataOutputStream(bridge.getOutputStream());
          DataInputStream in = new DataInputStream(bridge.getInputStream());
          JsonObject err = null;
          for (int i = 0; i < ATTEMPTS && err == null; i++) {
            writeFrame(out, new JsonObject().put("type", "send").put("address", "vpush.publish").put("replyAddress", "r" + i)
                .put("headers", new JsonObject().put("apiKey", TestNode.API_KEY))
                .put("body", new JsonObject().put("user", user).put("payload", "tcp" + i)));
            JsonObject reply = readFrame(in);
            assertThat(reply.getString("address")).isEqualTo("r" + i);
            if ("err".equals(reply.getString("type"))) err = reply;
            else delivered++;
          }
          assertThat(err).as("a bridge publish past the burst is refused").isNotNull();
          assertThat(err.getString("failureType")).isEqualTo("rate_limited");
          assertThat(err.getInteger("failureCode")).isEqualTo(429);
          assertThat(err.getString("message")).contains("retry in");
        }

        // Event bus: the reply fails with 429, like the door's other errors.
        ReplyException failed = null;
        for (int i = 0; i < ATTEMPTS && failed == null; i++) {
          try {
            node.vertx().eventBus().request("vpush.publish", new JsonObject().put("user", user).put("payload", "eb" + i))
                .await(10, TimeUnit.SECONDS);
            delivered++;
          } catch (ReplyException e) {
            failed = e;
          }
        }
        assertThat(failed).as("an event-bus publish past the burst is refused").isNotNull();
        assertThat(failed.failureCode()).isEqualTo(429);

        // The client connected throughout got every accepted publish, and nothing refused.
        assertThat(client.messages(delivered, WAIT)).hasSize(delivered);
        assertThat(client.drainNow()).as("nothing refused was delivered").isEmpty();
      }
      assertThat(node.metric("vpush_node_rate_limited_total", "door=\"http\",limit=\"publishes\"")).isGreaterThanOrEqualTo(1);
      assertThat(node.metric("vpush_node_rate_limited_total", "door=\"tcp\",limit=\"publishes\"")).isGreaterThanOrEqualTo(1);
      assertThat(node.metric("vpush_node_rate_limited_total", "door=\"eventbus\",limit=\"publishes\"")).isGreaterThanOrEqualTo(1);
    }
  }

  // --- helpers ---

  private static void assertRateLimited(HttpAnswer a) {
    assertThat(a.status()).as("answer %s", a).isEqualTo(429);
    assertThat(a.retryAfter()).as("Retry-After, seconds").isGreaterThanOrEqualTo(1);
    assertThat(a.header("content-type")).contains("application/json");
    JsonObject body = new JsonObject(a.body());
    assertThat(body.getString("error")).isEqualTo("rate_limited");
    assertThat(body.getString("message")).isNotBlank();
  }

  /** Tries until a refusal: the bucket refills at one a second, so an attempt may be admitted first. */
  private static HttpAnswer firstRefusal(Supplier<HttpAnswer> attempt) {
    for (int i = 0; i < ATTEMPTS; i++) {
      HttpAnswer a = attempt.get();
      if (a.status() != 101 && a.status() != 200) return a;
    }
    throw new AssertionError("never refused in " + ATTEMPTS + " attempts");
  }

  /** Connects (upgrade answered 101) as soon as the node takes a connection again, polling until the deadline. */
  private static RawWebSocket connectWithin(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return RawWebSocket.connect(port, "/eventbus/websocket", 0);
      } catch (AssertionError refused) {
        if (System.nanoTime() > deadline) throw refused;
        pause(100);
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms); // polling interval of connectWithin, not a wait for an event
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String session() {
    return "s" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  private static String awaitText(RawWebSocket ws, String fragment) throws IOException {
    while (true) {
      RawWebSocket.Frame f = ws.read(WAIT);
      if (f.opcode() == 8) throw new AssertionError("closed with " + f.closeCode() + " before " + fragment);
      if (f.opcode() == 1 && f.text().contains(fragment)) return f.text();
    }
  }

  private static void writeFrame(DataOutputStream out, JsonObject frame) throws IOException {
    byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  private static JsonObject readFrame(DataInputStream in) throws IOException {
    int length = in.readInt();
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
  }

  /** One HTTP/1.1 exchange on its own socket (closed after): status, headers (lower-case names) and body. */
  private record HttpAnswer(int status, Map<String, String> headers, String body) {

    String header(String name) {
      return headers.getOrDefault(name, "");
    }

    long retryAfter() {
      return Long.parseLong(header("retry-after").trim());
    }

    /** A WebSocket upgrade; a 101 is closed at once (the connection counted all the same). */
    static HttpAnswer upgrade(int port, String path) {
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }

    static HttpAnswer request(int port, String method, String path, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      return exchange(port, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + "Authorization: Bearer " + TestNode.API_KEY + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + bytes.length + "\r\n\r\n" + body);
    }

    private static HttpAnswer exchange(int port, String request) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) throw new EOFException("closed before the answer's head ended: " + head);
          head.append((char) b);
        }
        String[] lines = head.toString().split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        if (status == 101) return new HttpAnswer(status, headers, "");
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = new DataInputStream(in).readNBytes(length);
        return new HttpAnswer(status, headers, new String(body, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new AssertionError("HTTP exchange failed: " + request.lines().findFirst().orElse(""), e);
      }
    }
  }
}
