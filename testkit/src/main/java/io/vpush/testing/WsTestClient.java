package io.vpush.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw WebSocket client of {@code /eventbus/websocket} for tests: sends bridge frames, queues every frame received
 * (as JSON) for the test thread, and waits for frames and for the close with deadlines instead of sleeps. It can
 * also act as a well-behaved app ({@link #connectAcking}): ack each user message on arrival, tallied in {@link Deliveries}.
 */
public final class WsTestClient implements AutoCloseable {

  /** How long the helpers wait by default; generous because the 2-core machine is shared. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  // Held for the life of this object: Vert.x closes a client, and every socket it opened, once it is garbage collected.
  private final WebSocketClient client;
  private final WebSocket ws;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final Map<String, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile Deliveries acking;

  private WsTestClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(this::onText);
    ws.closeHandler(v -> closed.complete(null));
  }

  /** Connects to {@code ws://127.0.0.1:port/eventbus/websocket}. */
  public static WsTestClient connect(Vertx vertx, int port) {
    return connect(vertx, port, null);
  }

  /** Connects to {@code ws://127.0.0.1:port/eventbus/websocket} plus an optional query (e.g. {@code "?token=..."}). */
  public static WsTestClient connect(Vertx vertx, int port, String query) {
    return connect(vertx, port, query, new WebSocketClientOptions());
  }

  /** As {@link #connect(Vertx, int, String)} with client options (e.g. a small receive buffer for a slow reader). */
  public static WsTestClient connect(Vertx vertx, int port, String query, WebSocketClientOptions options) {
    return open(vertx, port, "/eventbus/websocket" + (query == null ? "" : query), options);
  }

  /** Connects to any path, e.g. SockJS's WebSocket transport {@code /eventbus/000/abcdefgh/websocket} (frames kept as {@code {raw}}). */
  public static WsTestClient connectPath(Vertx vertx, int port, String path) {
    return open(vertx, port, path, new WebSocketClientOptions());
  }

  private static WsTestClient open(Vertx vertx, int port, String path, WebSocketClientOptions options) {
    WebSocketClient client = vertx.createWebSocketClient(options.setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path);
    try {
      // Handlers are set in the connect callback, on the socket's event loop, so no early frame or close is missed.
      return await(client.connect(connect).map(ws -> new WsTestClient(client, ws)));
    } catch (AssertionError e) {
      client.close();
      throw e;
    }
  }

  /**
   * Connects as the app installation {@code into} describes: every user message is acked (cumulatively, on the
   * socket's thread, as it arrives) and tallied in {@code into}; registers with its clientId and lastSeq and waits up
   * to {@code timeout} for {@code control: registered} (frames before it are dropped from the queue, not the tally).
   */
  public static WsTestClient connectAcking(Vertx vertx, int port, Deliveries into, String token, Duration timeout) {
    WsTestClient c = connect(vertx, port);
    c.acking = into;
    try {
      c.register(into.user(), token, Map.of("clientId", into.clientId(), "lastSeq", Long.toString(into.lastSeq())));
      c.awaitControl("registered", timeout);
      return c;
    } catch (AssertionError e) {
      c.close();
      throw e;
    }
  }

  /** The tally of a client made by {@link #connectAcking}. */
  public Deliveries deliveries() {
    if (acking == null) throw new IllegalStateException("not an acking client");
    return acking;
  }

  private void onText(String text) {
    // SockJS framing ("o", "a[...]") is kept raw; vpush frames are JSON objects.
    JsonObject f = text.startsWith("{") ? new JsonObject(text) : new JsonObject().put("raw", text);
    CompletableFuture<JsonObject> reply = replies.remove(f.getString("address", ""));
    if (reply != null) {
      reply.complete(f);
      return;
    }
    Deliveries into = acking;
    if (into != null && seq(f) >= 0 && f.getString("address", "").startsWith("vpush.user.")) {
      // Acked at once so no re-send can count as a duplicate.
      long upTo = into.record(seq(f), f.getValue("body"));
      ws.writeTextMessage(ackFrame(upTo).encode());
    } else if (into != null && "err".equals(f.getString("type"))) {
      into.problem("error frame " + f.encode());
    }
    frames.add(f);
  }

  // --- sending ---

  /** Sends one frame as a text message. */
  public void send(JsonObject frame) {
    sendText(frame.encode());
  }

  /** Sends any text (e.g. a malformed frame). */
  public void sendText(String text) {
    await(ws.writeTextMessage(text));
  }

  /** Sends a register of the user stream with the token (when not null) and extra headers (clientId, device, lastSeq). */
  public void register(String user, String token, Map<String, String> headers) {
    JsonObject h = new JsonObject();
    if (token != null) h.put("token", token);
    headers.forEach(h::put);
    send(new JsonObject().put("type", "register").put("address", "vpush.user." + user).put("headers", h));
  }

  /** Registers and waits for {@code control: registered}; returns its body ({@code lastSeq}, {@code node}). */
  public JsonObject registered(String user, String token, Map<String, String> headers) {
    register(user, token, headers);
    JsonObject f = next(WAIT);
    if (!isControl(f, "registered")) throw new AssertionError("expected control: registered first, got " + f);
    return f.getJsonObject("body");
  }

  public void ping() {
    send(new JsonObject().put("type", "ping"));
  }

  /** Pings and waits for the pong; fails if any other frame comes first. */
  public void pingPong() {
    ping();
    JsonObject f = next(WAIT);
    if (!"pong".equals(f.getString("type"))) throw new AssertionError("expected pong, got " + f);
  }

  /** Sends a cumulative ack without waiting. */
  public void ack(long seq) {
    send(ackFrame(seq));
  }

  private static JsonObject ackFrame(long seq) {
    return new JsonObject().put("type", "send").put("address", "vpush.ack").put("body", new JsonObject().put("seq", seq));
  }

  /** Acks with a replyAddress and waits for the {@code {ok:true}} reply, so the server has processed it. */
  public void ackConfirmed(long seq) {
    request("vpush.ack", new JsonObject().put("seq", seq));
  }

  /** A {@code vpush.sync} request; returns the reply body. */
  public JsonObject sync(long since, Integer limit) {
    JsonObject body = new JsonObject().put("since", since);
    if (limit != null) body.put("limit", limit);
    return request("vpush.sync", body).getJsonObject("body");
  }

  /**
   * Sends to {@code address} with a fresh replyAddress and waits for the {@code rec} or {@code err} frame addressed
   * to it (other frames meanwhile are dropped); returns that whole frame.
   */
  public JsonObject request(String address, Object body) {
    String reply = sendWithReply(address, body, null);
    return awaitFrame(f -> reply.equals(f.getString("address")), WAIT);
  }

  /** Sends to {@code address} with a fresh replyAddress; completes with the {@code rec} or {@code err} frame answering it (not queued). */
  public CompletableFuture<JsonObject> requestAsync(String address, Object body) {
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    sendWithReply(address, body, answer);
    return answer;
  }

  /** Sends with a fresh replyAddress, returned; when {@code answer} is given, the reply completes it instead of being queued. */
  private String sendWithReply(String address, Object body, CompletableFuture<JsonObject> answer) {
    String reply = "r-" + UUID.randomUUID();
    if (answer != null) replies.put(reply, answer);
    send(new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", reply));
    return reply;
  }

  // --- receiving ---

  /** The next frame, or an AssertionError after {@code timeout}. */
  public JsonObject next(Duration timeout) {
    try {
      JsonObject f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) throw new AssertionError("no frame within " + timeout);
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Takes frames until one matches; returns it (the frames before it are dropped). */
  public JsonObject awaitFrame(Predicate<JsonObject> match, Duration timeout) {
    List<JsonObject> all = framesUntil(match, timeout);
    return all.get(all.size() - 1);
  }

  /** Takes frames until one matches; returns them all, the match last. */
  public List<JsonObject> framesUntil(Predicate<JsonObject> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonObject> seen = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject f;
      try {
        f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (f == null) throw new AssertionError("no matching frame within " + timeout + "; got " + seen.size() + " others, last: "
          + (seen.isEmpty() ? "none" : abbreviate(seen.get(seen.size() - 1).encode())));
      seen.add(f);
      if (match.test(f)) return seen;
    }
  }

  /** The next user message (a frame with a seq header); the frames before it are dropped. */
  public JsonObject awaitMessage(Duration timeout) {
    return awaitFrame(f -> seq(f) >= 0, timeout);
  }

  /** The next {@code control: kind} notice; the frames before it are dropped. */
  public JsonObject awaitControl(String kind, Duration timeout) {
    return awaitFrame(f -> isControl(f, kind), timeout);
  }

  /** The next {@code n} user messages (frames with a seq header), failing on anything else but ignoring nothing. */
  public List<JsonObject> messages(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonObject> out = new ArrayList<>(n);
    while (out.size() < n) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      JsonObject f;
      try {
        f = next(Duration.ofMillis(left));
      } catch (AssertionError e) {
        throw new AssertionError("got " + out.size() + " of " + n + " messages within " + timeout, e);
      }
      if (seq(f) < 0) throw new AssertionError("expected a user message, got " + f);
      out.add(f);
    }
    return out;
  }

  /** At most 300 characters of a frame, for failure messages (a test may send frames of many KiB). */
  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " characters)";
  }

  /** Frames received and not yet taken. */
  public List<JsonObject> drainNow() {
    List<JsonObject> out = new ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  /** Waits for the server to close the connection; returns the close status code (null if none was sent). */
  public Short awaitClose(Duration timeout) {
    try {
      closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("connection not closed within " + timeout, e);
    }
    return ws.closeStatusCode();
  }

  public String closeReason() {
    return ws.closeReason();
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** Stops reading from the socket (a slow consumer); the kernel buffers fill and the server's writes back up. */
  public void pause() {
    ws.pause();
  }

  public void resume() {
    ws.resume();
  }

  /** Starts a normal close from this side; {@link #awaitClose} then sees the server's answer. */
  public void closeSocket() {
    ws.close();
  }

  @Override
  public void close() {
    if (!closed.isDone()) ws.close();
    client.close();
  }

  // --- frame helpers ---

  /** The seq header of a user message, or -1 when the frame is not one. */
  public static long seq(JsonObject frame) {
    JsonObject h = frame.getJsonObject("headers");
    if (!"rec".equals(frame.getString("type")) || h == null || h.getString("seq") == null) return -1;
    return Long.parseLong(h.getString("seq"));
  }

  public static String id(JsonObject frame) {
    JsonObject h = frame.getJsonObject("headers");
    return h == null ? null : h.getString("id");
  }

  public static boolean isControl(JsonObject frame, String kind) {
    JsonObject h = frame.getJsonObject("headers");
    return "rec".equals(frame.getString("type")) && h != null && kind.equals(h.getString("control"));
  }

  public static boolean isError(JsonObject frame, String failureType) {
    return "err".equals(frame.getString("type")) && failureType.equals(frame.getString("failureType"));
  }

  /** Waits for a future (up to {@link #WAIT}); fails the test if it fails. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not succeed within " + WAIT + ": " + e, e);
    }
  }
}
