package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.FreePorts;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile TCP bridge callers against a node in its own small-heap JVM: one that sends frames and never reads
 * its replies is paused, then closed, while the heap stays bounded and other callers and clients are served; one that
 * trickles a frame byte by byte is closed at the frame-completion timeout.
 */
class TcpBridgeAbuseIT {

  private static final long FLOOD_BYTES = 256L * 1024 * 1024;
  private static Vertx vertx;
  private static VPushProcess node;
  private static int bridgePort;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    bridgePort = FreePorts.free();
    node = ProcessTraffic.production().name("tcp-abuse").heap("96m")
        .env(Map.of("VPUSH_TCP_BRIDGE_ENABLED", "true", "VPUSH_TCP_BRIDGE_PORT", Integer.toString(bridgePort),
            "VPUSH_TCP_BRIDGE_WRITE_STALL_TIMEOUT_MS", "3000", "VPUSH_TCP_BRIDGE_FRAME_TIMEOUT_MS", "1000",
            "VPUSH_ACCESS_INSTANCES", "2"))
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aCallerThatNeverReadsIsPausedThenClosedAndOthersAreServed() throws Exception {
    String user = "tcp-abuse-ws";
    WsTestClient ws = WsTestClient.connect(vertx, node.port());
    ws.registered(user, ProcessTraffic.token(vertx, user), Map.of());

    // Frames without an API key: each is answered with an err frame larger than itself, and the replies are never read.
    byte[] batch = frames(2_000, new JsonObject().put("type", "send").put("address", "vpush.publish")
        .put("replyAddress", "r").put("body", new JsonObject()));
    AtomicLong written = new AtomicLong();
    Socket abuser = new Socket();
    abuser.setReceiveBufferSize(4096);
    abuser.connect(new java.net.InetSocketAddress("127.0.0.1", bridgePort));
    CompletableFuture<Throwable> flood = CompletableFuture.supplyAsync(() -> {
      try {
        OutputStream out = abuser.getOutputStream();
        while (written.get() < FLOOD_BYTES) {
          out.write(batch);
          written.addAndGet(batch.length);
        }
        return null;
      } catch (IOException e) {
        return e;
      }
    });

    Scrape paused = Scrape.await(node.port(),
        s -> s.value("vpush_tcp_bridge_paused_total", "reason", "write_queue_full") >= 1);
    assertThat(paused.count("vpush_tcp_bridge_closed_total", "reason", "write_stall")).isZero();

    // While it is paused: a normal caller publishes on the same port and the WebSocket client receives.
    try (Bridge b = new Bridge()) {
      b.write(new JsonObject().put("type", "send").put("address", "vpush.publish").put("replyAddress", "ok")
          .put("headers", new JsonObject().put("apiKey", ProcessTraffic.API_KEY))
          .put("body", new JsonObject().put("user", user).put("payload", new JsonObject().put("n", 1))));
      JsonObject reply = b.read();
      assertThat(reply.getString("type")).as("%s", reply).isEqualTo("message");
    }
    JsonObject pushed = ws.awaitMessage(WAIT);
    assertThat(pushed.getJsonObject("body").getInteger("n")).isEqualTo(1);

    // Past tcpBridge.writeStallTimeoutMs the node drops it: the blocked writer sees the reset.
    Throwable ended = flood.get(30, TimeUnit.SECONDS);
    assertThat(ended).as("the flood was cut, not absorbed (%d bytes written)", written.get()).isInstanceOf(SocketException.class);
    assertThat(written.get()).isLessThan(FLOOD_BYTES);
    Scrape after = Scrape.await(node.port(), s -> s.value("vpush_tcp_bridge_closed_total", "reason", "write_stall") >= 1);
    double heap = after.value("jvm_memory_used_bytes", "area", "heap");
    System.out.printf("flood: %d bytes written before the cut, heap used after %.1f MB%n", written.get(), heap / 1e6);
    assertThat(node.isAlive()).isTrue();
    assertThat(heap).isLessThan(96e6);
    abuser.close();
    ws.close();
  }

  @Test
  void aFrameTrickledByteByByteIsClosedAtTheFrameTimeout() throws Exception {
    byte[] frame = new JsonObject().put("type", "ping").put("pad", "x".repeat(200)).encode().getBytes(StandardCharsets.UTF_8);
    try (Bridge b = new Bridge()) {
      b.out.writeInt(frame.length);
      b.out.flush();
      long start = System.nanoTime();
      CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
        try {
          for (byte x : frame) {
            b.out.write(x);
            b.out.flush();
            // The attacker's pace (one byte per 100 ms, well under the read-idle timeout), not a wait for the server.
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException e) {
          // closed by the node, as expected
        }
      });
      JsonObject err = b.read();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("failureType")).isEqualTo("bad_frame");
      assertThat(err.getString("message")).contains("complete within 1000 ms");
      org.assertj.core.api.Assertions.assertThatThrownBy(b::read).isInstanceOfAny(EOFException.class, SocketException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      trickle.cancel(true);
    }
    Scrape.await(node.port(), s -> s.value("vpush_tcp_bridge_closed_total", "reason", "frame_timeout") >= 1);
  }

  private static byte[] frames(int n, JsonObject frame) throws IOException {
    byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(all);
    for (int i = 0; i < n; i++) {
      out.writeInt(bytes.length);
      out.write(bytes);
    }
    return all.toByteArray();
  }

  /** A well-behaved bridge caller: writes a frame, reads its answer. */
  private static final class Bridge implements AutoCloseable {
    final Socket socket;
    final DataOutputStream out;
    final DataInputStream in;

    Bridge() throws IOException {
      socket = new Socket("127.0.0.1", bridgePort);
      socket.setSoTimeout(20_000);
      out = new DataOutputStream(socket.getOutputStream());
      in = new DataInputStream(socket.getInputStream());
    }

    void write(JsonObject frame) throws IOException {
      byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
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
