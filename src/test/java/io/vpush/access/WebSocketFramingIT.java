package io.vpush.access;

import static io.vpush.testing.WsTestClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.testing.TestNode;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket layer of {@code /eventbus/websocket} (vpush's own Netty endpoint) as RFC 6455 clients use it:
 * fragmented messages, control frames, the closing handshake and the codec's size limit.
 */
class WebSocketFramingIT {

  private static TestNode node;
  private WebSocketClient client;
  private WebSocket ws;
  private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(Settings.FRAME_MAX_BYTES, 1024));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @BeforeEach
  void connect() {
    // Held in a field: Vert.x closes a client, and its sockets, once the client object is garbage collected.
    client = node.vertx().createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20));
    ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/eventbus/websocket")));
    ws.textMessageHandler(texts::add);
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
  }

  @AfterEach
  void close() {
    await(client.close());
  }

  @Test
  void aMessageFragmentedOverContinuationFramesIsOneFrameForVpush() throws Exception {
    String user = TestNode.freshUser("frag");
    String register = new JsonObject().put("type", "register").put("address", "vpush.user." + user)
        .put("headers", new JsonObject().put("token", node.token(user))).encode();
    int half = register.length() / 2;
    await(ws.writeFrame(WebSocketFrame.textFrame(register.substring(0, half), false)));
    await(ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(register.substring(half)), true)));
    JsonObject registered = new JsonObject(texts.poll(10, TimeUnit.SECONDS));
    assertThat(registered.getJsonObject("headers").getString("control")).as("%s", registered).isEqualTo("registered");
  }

  @Test
  void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
    CompletableFuture<Buffer> pong = new CompletableFuture<>();
    ws.pongHandler(pong::complete);
    await(ws.writePing(Buffer.buffer("are-you-there")));
    assertThat(pong.get(10, TimeUnit.SECONDS).toString()).isEqualTo("are-you-there");
  }

  @Test
  void theClientsCloseIsAnsweredWithItsCode() throws Exception {
    await(ws.close((short) 4321, "bye"));
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 4321);
  }

  @Test
  void anUnsupportedWebSocketVersionGets426WithTheVersionSpokenAndIsClosed() throws Exception {
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", node.port())) {
      raw.setSoTimeout(10_000);
      raw.getOutputStream().write(("GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(raw.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 426").containsIgnoringCase("sec-websocket-version: 13");
    }
  }

  @Test
  void aFramePastTheCodecLimitIsClosedWith1009WithoutAnAnswer() throws Exception {
    // The codec takes up to 4x frame.maxBytes (vpush answers frame_too_large below that); past it Netty closes.
    await(ws.writeFinalTextFrame("x".repeat(4 * 1024 + 1)));
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1009);
    assertThat(texts).isEmpty();
  }
}
