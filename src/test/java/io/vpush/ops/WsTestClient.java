package io.vpush.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A raw-WebSocket vpush client for tests: frames as JSON objects in a queue, the close code as a future. */
final class WsTestClient implements AutoCloseable {

  final WebSocket ws;
  final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Short> closed = new CompletableFuture<>();

  private WsTestClient(WebSocket ws) {
    this.ws = ws;
    // SockJS framing ("o", "a[...]") is kept raw; vpush frames are JSON objects.
    ws.textMessageHandler(t -> frames.add(t.startsWith("{") ? new JsonObject(t) : new JsonObject().put("raw", t)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
  }

  static WsTestClient connect(Vertx vertx, int port, String path) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    Future<WebSocket> ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path));
    return new WsTestClient(ws.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  static WsTestClient connect(Vertx vertx, int port) throws Exception {
    return connect(vertx, port, "/eventbus/websocket");
  }

  void send(JsonObject frame) throws Exception {
    ws.writeTextMessage(frame.encode()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  void register(String user, String token, String device) throws Exception {
    send(new JsonObject().put("type", "register").put("address", "vpush.user." + user)
        .put("headers", new JsonObject().put("token", token).put("device", device).put("clientId", "c-" + device)));
  }

  /** Acks cumulatively up to {@code seq} and waits for the server's reply (so the ack was handled). */
  void ack(long seq) throws Exception {
    String reply = "ack-" + seq;
    send(new JsonObject().put("type", "send").put("address", "vpush.ack").put("body", new JsonObject().put("seq", seq))
        .put("replyAddress", reply));
    next(f -> reply.equals(f.getString("address")));
  }

  /** The next frame that matches, skipping others; fails after 15 s. */
  JsonObject next(Predicate<JsonObject> match) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
      if (f == null) throw new AssertionError("no matching frame within 15 s");
      if (match.test(f)) return f;
    }
  }

  /** The next user message (a rec frame with a seq header). */
  JsonObject nextMessage() throws InterruptedException {
    return next(f -> "rec".equals(f.getString("type")) && f.getJsonObject("headers", new JsonObject()).containsKey("seq"));
  }

  JsonObject nextControl(String kind) throws InterruptedException {
    return next(f -> kind.equals(f.getJsonObject("headers", new JsonObject()).getString("control")));
  }

  short awaitClose() throws Exception {
    return closed.get(15, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (!closed.isDone()) ws.close();
  }
}
