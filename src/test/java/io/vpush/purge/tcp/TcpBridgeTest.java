package io.vpush.purge.tcp;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.NeedsRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TCP bridge against a real node, spoken to by a raw socket with the bridge framing (4-byte length + JSON). */
@NeedsRedis
class TcpBridgeTest {

  private static final String KEY = "bridge-key";
  private static Vertx vertx;
  private static VPushNode node;
  /** On Redis, answers complete in the store's callbacks, outside the bridge socket's read (so not flushed by it). */
  private static io.vpush.testing.RedisServer redis;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    redis = io.vpush.testing.RedisServer.start();
    Map<Setting<?>, Object> test = new java.util.HashMap<>(Map.of(
        Settings.HTTP_HOST, "127.0.0.1", Settings.HTTP_PORT, 0,
        Settings.JWT_SECRET, "0123456789abcdef0123456789abcdef", Settings.API_KEY, KEY,
        Settings.TCP_BRIDGE_PORT, 0, Settings.TCP_BRIDGE_IDLE_TIMEOUT_MS, 3_000,
        Settings.PUBLISH_MAX_BODY_BYTES, 2_048, Settings.ACCESS_INSTANCES, 1));
    test.put(Settings.STORE, "redis");
    test.put(Settings.REDIS_URL, java.util.List.of(redis.url()));
    node = VPushNode.start(vertx, VPushConfig.defaults().with(test, "test")).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close().await(30, TimeUnit.SECONDS);
    if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
    if (redis != null) redis.close();
  }

  @Test
  void publishesWithRequestReply() throws Exception {
    try (Bridge b = new Bridge()) {
      b.write(send("vpush.publish", "r1", KEY, new JsonObject().put("user", "tcp-u1").put("payload", new JsonObject().put("n", 1))));
      JsonObject reply = b.read();
      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getString("address")).isEqualTo("r1");
      assertThat(reply.getJsonObject("body").getLong("seq")).isEqualTo(1L);
      assertThat(node.store().lastSeq("tcp-u1").await(5, TimeUnit.SECONDS)).isEqualTo(1L);
      b.write(new JsonObject().put("type", "ping"));
      assertThat(b.read().getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void publishesOfOneWriteAreEachAnsweredToTheirOwnAddressInOrder() throws Exception {
    // One socket write, so the node reads them together and publishes them as one store call.
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    DataOutputStream frames = new DataOutputStream(all);
    java.util.function.Consumer<JsonObject> add = f -> {
      byte[] bytes = f.encode().getBytes(StandardCharsets.UTF_8);
      try {
        frames.writeInt(bytes.length);
        frames.write(bytes);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    for (int i = 1; i <= 30; i++) {
      add.accept(send("vpush.publish", "one-" + i, KEY, new JsonObject().put("user", "batch-a").put("payload", i)));
      if (i == 10) add.accept(send("vpush.publish", "bad", KEY, new JsonObject().put("payload", "no user")));
      if (i == 20) {
        add.accept(send("vpush.publish", "many", KEY,
            new JsonObject().put("users", new io.vertx.core.json.JsonArray().add("batch-b").add("batch-a")).put("payload", 0)));
        add.accept(send("vpush.publish", "again", KEY,
            new JsonObject().put("user", "batch-c").put("id", "fixed").put("payload", 1)));
        add.accept(send("vpush.publish", "again-dup", KEY,
            new JsonObject().put("user", "batch-c").put("id", "fixed").put("payload", 1)));
      }
    }
    try (Bridge b = new Bridge()) {
      b.out.write(all.toByteArray());
      b.out.flush();
      // Answers completed in one event-loop turn leave in one write (here: the refusal, then the store's answers),
      // not one write each; on loopback a write arrives whole, so the client reads them in a few segments, not 34.
      byte[] got = new byte[1 << 16];
      int n = 0;
      int reads = 0;
      while (countFrames(got, n) < 34) {
        n += b.in.read(got, n, got.length - n);
        reads++;
      }
      assertThat(reads).as("segments holding the 34 answers").isLessThanOrEqualTo(3);
      b.in = new DataInputStream(new java.io.ByteArrayInputStream(got, 0, n));
      Map<String, JsonObject> replies = new java.util.HashMap<>();
      for (int i = 0; i < 34; i++) {
        JsonObject r = b.read();
        assertThat(replies.put(r.getString("address"), r)).as("one reply per address").isNull();
      }
      for (int i = 1; i <= 30; i++) {
        // batch-a's own publishes, in send order; the users publish after #20 takes seq 21 among them.
        long expected = i <= 20 ? i : i + 1;
        assertThat(replies.get("one-" + i).getJsonObject("body").getLong("seq")).as("one-" + i).isEqualTo(expected);
      }
      assertErr(replies.get("bad"), "bad", "bad_frame");
      JsonObject many = replies.get("many").getJsonObject("body");
      assertThat(many.getJsonArray("results").getJsonObject(0).getString("user")).isEqualTo("batch-b");
      assertThat(many.getJsonArray("results").getJsonObject(1).getLong("seq")).isEqualTo(21L);
      assertThat(replies.get("again").getJsonObject("body").containsKey("duplicate")).isFalse();
      assertThat(replies.get("again-dup").getJsonObject("body").getBoolean("duplicate")).isTrue();
    }
  }

  @Test
  void refusesWithoutTheApiKey() throws Exception {
    try (Bridge b = new Bridge()) {
      b.write(send("vpush.publish", "r2", "wrong", new JsonObject().put("user", "tcp-u2").put("payload", 1)));
      assertErr(b.read(), "r2", "access_denied");
      b.write(send("vpush.publish", "r3", null, new JsonObject().put("user", "tcp-u2").put("payload", 1)));
      assertErr(b.read(), "r3", "access_denied");
      assertThat(node.store().lastSeq("tcp-u2").await(5, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void permitsNothingButSendToPublish() throws Exception {
    try (Bridge b = new Bridge()) {
      b.write(send("vpush.user.x", "r4", KEY, new JsonObject()));
      assertErr(b.read(), "r4", "access_denied");
      for (String type : new String[] {"register", "register", "publish", "unregister"}) {
        b.write(new JsonObject().put("type", type).put("address", "vpush.publish").put("headers", new JsonObject().put("apiKey", KEY)));
        assertErr(b.read(), null, "access_denied");
      }
      b.write(send("vpush.publish", "r5", KEY, new JsonObject().put("payload", 1)));
      assertErr(b.read(), "r5", "bad_frame");
      b.writeRaw("not json".getBytes(StandardCharsets.UTF_8));
      assertErr(b.read(), null, "bad_frame");
    }
  }

  @Test
  void closesOnAFrameOverTheLimit() throws Exception {
    try (Bridge b = new Bridge()) {
      b.out.writeInt(2_048 + TcpBridge.ENVELOPE_BYTES + 1);
      b.out.flush();
      assertErr(b.read(), null, "frame_too_large");
      assertThatThrownBy(b::read).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void closesAnIdleConnection() throws Exception {
    try (Bridge b = new Bridge()) {
      // idleTimeoutMs is 3 s (room for a loaded CI box before the first frame); the read blocks until the server closes (the socket's own timeout is far longer).
      assertThatThrownBy(b::read).isInstanceOf(EOFException.class);
    }
  }

  private static JsonObject send(String address, String replyAddress, String key, JsonObject body) {
    JsonObject f = new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress).put("body", body);
    if (key != null) f.put("headers", new JsonObject().put("apiKey", key));
    return f;
  }

  private static void assertErr(JsonObject frame, String address, String failureType) {
    assertThat(frame.getString("type")).isEqualTo("err");
    assertThat(frame.getString("address")).isEqualTo(address);
    assertThat(frame.getString("failureType")).isEqualTo(failureType);
    assertThat(frame.getString("message")).isNotBlank();
  }

  /** How many whole length-prefixed frames the first {@code n} bytes hold. */
  private static int countFrames(byte[] bytes, int n) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes, 0, n);
    int frames = 0;
    while (b.remaining() >= 4 && b.remaining() - 4 >= b.getInt(b.position())) {
      b.position(b.position() + 4 + b.getInt(b.position()));
      frames++;
    }
    return frames;
  }

  /** A raw bridge client: 4-byte big-endian length + UTF-8 JSON. */
  private static final class Bridge implements AutoCloseable {
    final Socket socket;
    final DataOutputStream out;
    DataInputStream in;

    Bridge() throws IOException {
      socket = new Socket("127.0.0.1", node.tcpBridgePort());
      socket.setSoTimeout(20_000);
      out = new DataOutputStream(socket.getOutputStream());
      in = new DataInputStream(socket.getInputStream());
    }

    void write(JsonObject frame) throws IOException {
      writeRaw(frame.encode().getBytes(StandardCharsets.UTF_8));
    }

    void writeRaw(byte[] bytes) throws IOException {
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
    }

    JsonObject read() throws IOException {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
