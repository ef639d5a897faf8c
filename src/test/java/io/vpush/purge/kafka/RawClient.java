package io.vpush.purge.kafka;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A small raw-WebSocket vpush client for tests (protocol.md sections 3-6): registers one user stream, processes
 * each seq once in order (later copies are dropped and still acked), acks cumulatively, and reconnects with its
 * lastSeq. It records what a user would see: the processed seqs with their bodies, and any seq that arrived
 * after a hole (which, without device filters or expiry, would be a lost message).
 */
final class RawClient implements WebSocket.Listener {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final String user;
  private final String clientId;
  private final List<Long> processed = new ArrayList<>();
  private final List<JsonObject> bodies = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final Map<String, CompletableFuture<JsonObject>> replies = new HashMap<>();
  private final StringBuilder partial = new StringBuilder();
  private long lastSeq;
  private int duplicates;
  private int pongs;
  private boolean registered;
  private boolean closed;
  private WebSocket ws;
  private CompletableFuture<WebSocket> sending;
  private Runnable onProcessed = () -> { };

  RawClient(String user, String clientId) {
    this.user = user;
    this.clientId = clientId;
  }

  /** Runs {@code hook} (on the socket's thread) each time a new seq is processed. */
  synchronized RawClient onProcessed(Runnable hook) {
    onProcessed = hook;
    return this;
  }

  /** Connects to {@code ws://127.0.0.1:<port>/eventbus/websocket} and registers with the token and this client's lastSeq. */
  RawClient connect(int port, String token, Duration timeout) {
    synchronized (this) {
      registered = false;
      closed = false;
      partial.setLength(0);
    }
    ws = HTTP.newWebSocketBuilder().connectTimeout(timeout)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/eventbus/websocket"), this).join();
    synchronized (this) {
      sending = CompletableFuture.completedFuture(ws);
      JsonObject headers = new JsonObject().put("token", token).put("clientId", clientId);
      if (lastSeq > 0) headers.put("lastSeq", Long.toString(lastSeq));
      send(new JsonObject().put("type", "register").put("address", "vpush.user." + user).put("headers", headers));
    }
    await(() -> registered, timeout, "registered");
    return this;
  }

  /** Sends a ping; the raw endpoint answers pong without touching the store. */
  synchronized void ping() {
    send(new JsonObject().put("type", "ping"));
  }

  /** Sends {@code body} to vpush.upstream and returns the reply body (or the error frame). */
  CompletableFuture<JsonObject> upstream(JsonObject body) {
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    synchronized (this) {
      String replyAddress = "r-" + replies.size();
      replies.put(replyAddress, reply);
      send(new JsonObject().put("type", "send").put("address", "vpush.upstream").put("body", body).put("replyAddress", replyAddress));
    }
    return reply;
  }

  /** Waits until {@code n} distinct seqs were processed. */
  void awaitProcessed(int n, Duration timeout) {
    await(() -> processed.size() >= n, timeout, n + " messages processed");
  }

  synchronized void awaitPongs(int n, Duration timeout) {
    await(() -> pongs >= n, timeout, n + " pongs");
  }

  synchronized List<Long> processed() { return List.copyOf(processed); }
  synchronized List<JsonObject> bodies() { return List.copyOf(bodies); }
  synchronized List<String> problems() { return List.copyOf(problems); }
  synchronized int duplicates() { return duplicates; }
  synchronized long lastSeq() { return lastSeq; }
  synchronized boolean isOpen() { return !closed; }

  void abort() {
    if (ws != null) ws.abort();
  }

  private synchronized void await(java.util.function.BooleanSupplier done, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError(user + ": no " + what + " within " + timeout + " (processed " + processed.size() + ", closed " + closed + ")");
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private void send(JsonObject frame) {
    String text = frame.encode();
    // The JDK WebSocket allows one outstanding send: chain them.
    sending = sending.thenCompose(w -> w.sendText(text, true)).exceptionally(e -> ws);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    synchronized (this) {
      partial.append(data);
      if (last) {
        handle(new JsonObject(partial.toString()));
        partial.setLength(0);
        notifyAll();
      }
    }
    webSocket.request(1);
    return null;
  }

  private void handle(JsonObject frame) {
    String type = frame.getString("type");
    if ("pong".equals(type)) {
      pongs++;
      return;
    }
    String address = frame.getString("address", "");
    CompletableFuture<JsonObject> reply = replies.remove(address);
    if (reply != null) {
      reply.complete("err".equals(type) ? frame : frame.getJsonObject("body"));
      return;
    }
    if ("err".equals(type)) {
      problems.add("error frame " + frame.encode());
      return;
    }
    JsonObject headers = frame.getJsonObject("headers", new JsonObject());
    if ("registered".equals(headers.getString("control"))) {
      registered = true;
      return;
    }
    if (headers.getString("control") != null) return;
    long seq = Long.parseLong(headers.getString("seq"));
    if (seq <= lastSeq) {
      duplicates++; // already processed: drop, but ack so the server stops re-sending
    } else {
      if (seq != lastSeq + 1) problems.add("seq " + seq + " after " + lastSeq);
      lastSeq = seq;
      processed.add(seq);
      bodies.add(frame.getJsonObject("body"));
      onProcessed.run();
    }
    send(new JsonObject().put("type", "send").put("address", "vpush.ack").put("body", new JsonObject().put("seq", lastSeq)));
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }
}
