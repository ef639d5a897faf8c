package io.vpush.cluster;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw WebSocket test client of {@code /eventbus/websocket} (JDK HttpClient): registers a user stream, acks every
 * message at once, and counts deliveries per seq so a test can check "every message exactly once".
 */
public final class WsClient implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private volatile WebSocket socket;
  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final Map<Long, AtomicInteger> seqs = new ConcurrentHashMap<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile int closeCode = -1;
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

  private WsClient() {}

  /** Connects to {@code ws://127.0.0.1:<port>/eventbus/websocket}. */
  public static WsClient connect(int port) throws Exception {
    Holder h = new Holder();
    h.client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/eventbus/websocket"), h).get(10, TimeUnit.SECONDS);
    return h.client;
  }

  /** Sends register and waits for {@code control: registered}; returns its body. */
  public JsonObject register(String user, String token, String clientId, Long lastSeq) throws Exception {
    JsonObject headers = new JsonObject().put("token", token).put("clientId", clientId);
    if (lastSeq != null) headers.put("lastSeq", lastSeq.toString());
    send(new JsonObject().put("type", "register").put("address", "vpush.user." + user).put("headers", headers));
    JsonObject f = awaitFrame(f2 -> "registered".equals(control(f2)), 20_000);
    return f.getJsonObject("body");
  }

  public void subscribe(String topic, String token) {
    send(new JsonObject().put("type", "register").put("address", "vpush.topic." + topic).put("headers", new JsonObject().put("token", token)));
  }

  public void send(JsonObject frame) {
    socket.sendText(frame.encode(), true).join();
  }

  /** Waits for a frame matching {@code test} among those not yet consumed; fails after {@code timeoutMs}. */
  public JsonObject awaitFrame(java.util.function.Predicate<JsonObject> test, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
      if (f == null) throw new AssertionError("no matching frame within " + timeoutMs + " ms; seqs so far " + seqs.keySet().size());
      if (test.test(f)) return f;
    }
  }

  /** Waits until every seq 1..n arrived (consuming frames); fails after {@code timeoutMs}. */
  public void awaitSeqs(long n, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (contiguous() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || frames.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS) == null && System.nanoTime() > deadline) {
        throw new AssertionError("have seqs 1.." + contiguous() + " of " + n + " (" + seqs.size() + " distinct)");
      }
    }
  }

  /** The highest seq s such that 1..s all arrived. */
  public long contiguous() {
    long s = 0;
    while (seqs.containsKey(s + 1)) s++;
    return s;
  }

  /** Seqs delivered more than once. */
  public List<Long> duplicates() {
    List<Long> out = new ArrayList<>();
    seqs.forEach((s, n) -> {
      if (n.get() > 1) out.add(s);
    });
    return out;
  }

  public int distinct() {
    return seqs.size();
  }

  /** Every seq delivered on this connection with how many times it came. */
  public Map<Long, Integer> counts() {
    Map<Long, Integer> out = new java.util.TreeMap<>();
    seqs.forEach((s, n) -> out.put(s, n.get()));
    return out;
  }

  /** Waits until every seq in {@code from..to} arrived on this connection (consuming frames); fails after {@code timeoutMs}. */
  public void awaitRange(long from, long to, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      long missing = java.util.stream.LongStream.rangeClosed(from, to).filter(s -> !seqs.containsKey(s)).count();
      if (missing == 0) return;
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError(missing + " of seqs " + from + ".." + to + " missing; have " + counts().keySet());
      frames.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
    }
  }

  /** Waits for the server to close; returns the close code. */
  public int awaitClose(long timeoutMs) throws InterruptedException {
    if (!closed.await(timeoutMs, TimeUnit.MILLISECONDS)) throw new AssertionError("not closed within " + timeoutMs + " ms");
    return closeCode;
  }

  /** The {@code control} header of a frame ({@code registered}, {@code kicked}, {@code reconnect}), or null. */
  public static String control(JsonObject f) {
    JsonObject h = f.getJsonObject("headers");
    return h == null ? null : h.getString("control");
  }

  private void onText(String text, WebSocket socket) {
    JsonObject f = new JsonObject(text);
    JsonObject h = f.getJsonObject("headers");
    if ("rec".equals(f.getString("type")) && h != null && h.getString("seq") != null && f.getString("address", "").startsWith("vpush.user.")) {
      long seq = Long.parseLong(h.getString("seq"));
      seqs.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
      // Ack at once so no re-send can count as a duplicate.
      socket.sendText(new JsonObject().put("type", "send").put("address", "vpush.ack").put("body", new JsonObject().put("seq", seq)).encode(), true);
    }
    frames.add(f);
  }

  @Override
  public void close() {
    socket.abort();
  }

  private static final class Holder implements WebSocket.Listener {
    final WsClient client = new WsClient();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      synchronized (client) {
        client.partial.append(data);
        if (last) {
          String text = client.partial.toString();
          client.partial.setLength(0);
          client.onText(text, webSocket);
        }
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      client.closeCode = statusCode;
      client.closed.countDown();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      client.closed.countDown();
    }
  }
}
