package io.vpush.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSource;
import okio.ByteString;

/**
 * A vpush client that makes delivery exactly-once for the app: the message handler is called once per seq, in seq
 * order, across reconnects, for as long as the {@link LastSeqStore} keeps lastSeq and the server keeps the inbox.
 *
 * <p>It speaks the bridge frames over OkHttp's WebSocket ({@code /eventbus/websocket}). All its state lives on one
 * thread of its own, on which every handler is called; a handler's ack goes out after it returned (cumulative,
 * batched). It finds the nodes to dial by asking the configured URL's {@code /api/v1/connect} (see
 * {@link Builder#discovery(boolean)}; the configured URLs are dialled directly when that fails). Reconnects back off
 * exponentially with full jitter, follow {@code control: reconnect}, and move to the next node; a kick (4003) stops
 * it, and so does a second auth failure (4001) after asking the token supplier again.
 * A seq jump or a sync answer with {@code gap} runs {@code vpush.sync} until caught up and raises {@link Gap} for
 * what the server no longer had.
 *
 * <pre>{@code
 * VPushClient client = VPushClient.builder().url("http://host:8080").token(() -> jwt).clientId("phone-1")
 *     .lastSeqStore(LastSeqStore.file(Path.of("vpush.lastseq"))).build();
 * client.onMessage(m -> show(m.payload()));
 * client.connect().join();
 * }</pre>
 */
public final class VPushClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_PREFIX = "vpush.user.";
  private static final String TOPIC_PREFIX = "vpush.topic.";

  private final DialPlan plan;
  private final OkHttpClient discoveryHttp;
  private final Supplier<String> tokenSupplier;
  private final String clientId;
  /** Sent with every register: a kick naming it came from a late register of one of our own older connections. */
  private final String instance = java.util.UUID.randomUUID().toString();

  /** This client's instance id (tests). */
  String instance() {
    return instance;
  }
  private final String device;
  private final String fixedUser;
  private final LastSeqStore store;
  private final OkHttpClient http;
  private final long pingIntervalMs;
  private final long deadAfterMs;
  private final int syncLimit;
  private final int maxQueuedMessages;
  private final DoubleSupplier jitter;
  private final ScheduledExecutorService loop;
  private volatile Thread loopThread;
  private final Map<String, Consumer<Message>> topics = new ConcurrentHashMap<>();

  /** What a synchronous handler "returns": the seq is recorded at once, with no hop through the loop. */
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  /** Frames (controls, pongs) that may wait for the client's thread beside maxQueuedMessages messages. */
  private static final int SPARE_FRAMES = 64;

  private volatile Function<Message, CompletionStage<?>> messageHandler = m -> DONE;
  private volatile Consumer<StateChange> stateHandler = s -> {};
  private volatile Consumer<Gap> gapHandler = g -> {};
  private volatile Consumer<Throwable> errorHandler = e -> {};
  private volatile java.util.function.LongConsumer refreshHandler = deadline -> {};
  private volatile State state = State.DISCONNECTED;
  private volatile long duplicatesDropped;

  // Everything below is touched only on the loop thread.
  private final SeqGate gate;
  private final AckBatcher acks;
  private final Backoff backoff;
  private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
  private WebSocket ws;
  private int gen;
  private int discoveryRound;
  private String userAddress;
  private boolean started;
  private boolean closed;
  private boolean registered;
  private boolean kicked;
  private boolean kickedBySelf; // the current connection's kick named our instance
  private boolean authRetried;
  private long registeredAtMs;
  private long reconnectAfterMs = -1;
  private boolean sameUrl;
  private Liveness liveness;
  private Listener listener;
  private long lastPingAtMs;
  private boolean syncing;
  private long syncSince;
  private String syncReply;
  private long syncCounter;
  private Message held; // the newest live message seen during a sync: O(1), the inbox holds the rest
  private final InboundQueue inbound;
  private boolean busy; // an async handler's stage has not completed: the next message waits for it
  private JsonNode syncPage; // the sync answer being handed over, from syncPageIndex on
  private int syncPageIndex;
  private ScheduledFuture<?> pingTimer;
  private ScheduledFuture<?> ackTimer;
  private ScheduledFuture<?> dialTimer;
  /** The token the current connection holds (registered with, or refreshed to). */
  private String currentToken;
  /** The replyAddress of the vpush.refresh in flight, or null. */
  private String refreshReply;
  private long refreshCounter;

  private VPushClient(Builder b) {
    this.plan = new DialPlan(b.urls, b.discovery, b.discoveryMaxAge.toMillis());
    this.tokenSupplier = b.token;
    this.clientId = b.clientId;
    this.device = b.device;
    this.fixedUser = b.user;
    this.store = b.store;
    this.pingIntervalMs = b.pingInterval.toMillis();
    this.deadAfterMs = b.deadAfter.toMillis();
    this.syncLimit = b.syncLimit;
    this.maxQueuedMessages = b.maxQueuedMessages;
    this.inbound = new InboundQueue(b.maxQueuedMessages);
    this.jitter = b.jitter;
    this.http = (b.http != null ? b.http.newBuilder() : new OkHttpClient.Builder())
        .connectTimeout(b.connectTimeout).readTimeout(Duration.ZERO).build();
    // One short try per configured URL, then the next one (or the direct dial): no silent retries of OkHttp's.
    this.discoveryHttp = http.newBuilder().callTimeout(b.discoveryTimeout).retryOnConnectionFailure(false).build();
    OptionalLong stored = store.load();
    this.gate = new SeqGate(stored.isPresent() ? stored.getAsLong() : -1);
    this.acks = new AckBatcher(b.ackInterval.toMillis(), b.ackMaxCount);
    this.backoff = new Backoff(b.backoffBase.toMillis(), b.backoffMax.toMillis(), b.stableAfter.toMillis());
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vpush-client" + (clientId != null ? "-" + clientId : ""));
      t.setDaemon(true);
      loopThread = t;
      return t;
    });
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The handler of user-stream messages: called once per seq, in seq order, on the client's thread; the seq is
   * stored and acked after it returned. One that throws has not processed the message: see {@link #onMessageAsync}.
   * Replaces an earlier {@code onMessage} or {@code onMessageAsync}.
   */
  public VPushClient onMessage(Consumer<Message> handler) {
    Objects.requireNonNull(handler);
    this.messageHandler = m -> {
      handler.accept(m);
      return DONE;
    };
    return this;
  }

  /**
   * The asynchronous handler of user-stream messages: called on the client's thread, once per seq, in seq order;
   * the next call comes only after the stage returned for the previous one completed (so the app's work is
   * sequential, wherever it runs), and the seq is stored and acked only then. The client's thread is not held
   * meanwhile: pings, acks and reading go on, and the messages arriving wait in a queue of at most
   * {@link Builder#maxQueuedMessages} (past it they are left on the server and fetched with {@code vpush.sync} once
   * the handler has caught up).
   *
   * <p>A stage that completes exceptionally (or a handler that throws, or returns null) is treated like a
   * synchronous handler that throws: the error goes to {@link #onError}, nothing is stored or acked, and the
   * connection is re-dialled, so the same message is handed over again (after the backoff), before anything after
   * it. {@link #close()} does not wait for a stage still running; its seq is not acked and comes again next time.
   * Replaces an earlier {@code onMessage} or {@code onMessageAsync}.
   *
   * <pre>{@code
   * client.onMessageAsync(m -> db.insertAsync(m.id(), m.payload()));   // CompletableFuture<?>
   * }</pre>
   */
  public VPushClient onMessageAsync(Function<? super Message, ? extends CompletionStage<?>> handler) {
    Objects.requireNonNull(handler);
    this.messageHandler = handler::apply;
    return this;
  }

  /** State changes (connecting, connected, disconnected, closed with a reason). */
  public VPushClient onState(Consumer<StateChange> handler) {
    this.stateHandler = Objects.requireNonNull(handler);
    return this;
  }

  /** Messages the server no longer had (expired or over the inbox cap): reload them from the business. */
  public VPushClient onGap(Consumer<Gap> handler) {
    this.gapHandler = Objects.requireNonNull(handler);
    return this;
  }

  /**
   * The token was refreshed on the live connection, after the server's {@code control: refresh}: called with the new
   * close deadline (epoch ms; 0 for a token without exp). A refused refresh goes to {@link #onError}, and the server then
   * closes at the old deadline (4001), after which the client re-dials with a token from the supplier.
   */
  public VPushClient onTokenRefreshed(java.util.function.LongConsumer handler) {
    this.refreshHandler = Objects.requireNonNull(handler);
    return this;
  }

  /** Errors that did not stop the client (a handler that threw, an {@code err} frame). */
  public VPushClient onError(Consumer<Throwable> handler) {
    this.errorHandler = Objects.requireNonNull(handler);
    return this;
  }

  /** Subscribes to a topic (broadcast, no seq, no history); kept across reconnects. */
  public VPushClient subscribe(String topic, Consumer<Message> handler) {
    topics.put(Objects.requireNonNull(topic), Objects.requireNonNull(handler));
    post(() -> {
      if (registered) send(frame("register", TOPIC_PREFIX + topic));
    });
    return this;
  }

  public State state() {
    return state;
  }

  /** The highest seq the app has processed, or -1 before the first one when none was stored. */
  public long lastSeq() {
    return gate.known() ? gate.lastSeq() : -1;
  }

  /** Messages dropped because their seq was already processed (re-sends, replays): never seen by the app. */
  public long duplicatesDropped() {
    return duplicatesDropped;
  }

  /** Starts connecting; completes when the user stream is first registered, fails if the client stops before. */
  public CompletableFuture<Void> connect() {
    post(() -> {
      if (started || closed) return;
      started = true;
      dial();
    });
    return firstConnect;
  }

  /** Sends the pending ack, closes the connection (1000) and stops reconnecting. Waits up to 5 s for that. */
  @Override
  public void close() {
    Runnable shut = () -> {
      if (!closed) {
        if (registered) flushAck();
        WebSocket w = ws;
        terminate("closed", null);
        if (w != null) w.close(1000, "bye");
      }
    };
    if (Thread.currentThread() == loopThread) {
      shut.run(); // called from a handler: waiting for the loop would wait for ourselves
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      loop.execute(() -> {
        shut.run();
        done.complete(null);
      });
      done.get(5, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      // already stopped
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // the loop is stuck in a handler: stop it anyway
    } finally {
      loop.shutdown();
    }
  }

  // --- connection -----------------------------------------------------------------------------------------------

  private void dial() {
    if (closed) return;
    dialTimer = null;
    setState(State.CONNECTING, null, null);
    String token;
    String user;
    try {
      token = tokenSupplier.get();
      user = fixedUser != null ? fixedUser : subjectOf(token);
    } catch (RuntimeException e) {
      errorHandler.accept(e);
      scheduleReconnect();
      return;
    }
    userAddress = USER_PREFIX + user;
    plan.restartIfFresh(System.currentTimeMillis());
    if (plan.current() == null) {
      discover(++discoveryRound, 0, token, user, null);
    } else {
      open(token);
    }
  }

  private void open(String token) {
    int g = ++gen;
    String url = wsUrl(plan.current());
    listener = new Listener(g, token);
    try {
      ws = http.newWebSocket(new Request.Builder().url(url).build(), listener);
    } catch (IllegalArgumentException e) {
      // Not an http(s)/ws(s) URL: count it as a failed dial (the next candidate, after the backoff).
      errorHandler.accept(e);
      scheduleReconnect();
    }
  }

  // --- discovery (GET /api/v1/connect) ----------------------------------------------------------------------------

  /** Asks the {@code i}-th configured URL for the nodes; on failure the next one; when all failed, dials them directly. */
  private void discover(int round, int i, String token, String user, Exception last) {
    if (closed || round != discoveryRound) return;
    List<String> bases = plan.configured();
    if (i >= bases.size()) {
      errorHandler.accept(new java.io.IOException("node discovery failed at every URL (dialling them directly)", last));
      plan.discoveryFailed();
      open(token);
      return;
    }
    Request req;
    try {
      req = new Request.Builder().url(ConnectAnswer.connectUrl(bases.get(i), user)).build();
    } catch (IllegalArgumentException e) {
      discover(round, i + 1, token, user, e);
      return;
    }
    discoveryHttp.newCall(req).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, java.io.IOException e) {
        post(() -> discover(round, i + 1, token, user, e));
      }

      @Override
      public void onResponse(Call call, Response response) {
        List<String> nodes;
        try (response) {
          if (response.code() != 200) throw new java.io.IOException(req.url() + " answered " + response.code());
          BufferedSource body = response.body().source();
          if (body.request(ConnectAnswer.MAX_BYTES + 1L)) {
            throw new java.io.IOException(req.url() + " answered more than " + ConnectAnswer.MAX_BYTES + " bytes");
          }
          nodes = ConnectAnswer.websocketUrls(body.getBuffer().readUtf8());
        } catch (java.io.IOException | RuntimeException e) {
          post(() -> discover(round, i + 1, token, user, e));
          return;
        }
        post(() -> {
          if (closed || round != discoveryRound) return;
          plan.discovered(nodes, System.currentTimeMillis());
          open(token);
        });
      }
    });
  }

  private void opened(int g, String token) {
    if (g != gen || ws == null) return;
    long now = System.currentTimeMillis();
    liveness = new Liveness(deadAfterMs, now);
    lastPingAtMs = now;
    currentToken = token;
    refreshReply = null;
    ObjectNode headers = JSON.createObjectNode().put("token", token).put("instance", instance);
    if (clientId != null) headers.put("clientId", clientId);
    if (device != null) headers.put("device", device);
    if (gate.known()) headers.put("lastSeq", Long.toString(gate.lastSeq()));
    ObjectNode reg = frame("register", userAddress);
    reg.set("headers", headers);
    send(reg);
    pingTimer = loop.scheduleAtFixedRate(() -> ping(g), pingIntervalMs, pingIntervalMs, TimeUnit.MILLISECONDS);
  }

  private void ping(int g) {
    if (g != gen || ws == null) return;
    long now = System.currentTimeMillis();
    // When a frame reached the socket, not when this thread got to it; and a window in which no ping went out (a
    // slow handler held this thread) does not count as silence: a slow handler is not a dead connection.
    liveness.heard(listener.heardAtMs);
    if (now - lastPingAtMs > 2 * pingIntervalMs) liveness.heard(now);
    lastPingAtMs = now;
    if (liveness.isDead(now)) {
      // Nothing came back, not even a pong: the connection (or the node) stopped answering. Drop it and re-dial.
      WebSocket w = ws;
      lost(g, -2, "no answer for " + deadAfterMs + " ms");
      w.cancel();
      return;
    }
    send(JSON.createObjectNode().put("type", "ping"));
  }

  private void lost(int g, int code, String reason) {
    if (g != gen || ws == null) return;
    ws = null;
    cancel(pingTimer);
    pingTimer = null;
    boolean wasRegistered = registered;
    registered = false;
    syncing = false;
    syncReply = null;
    held = null; // re-sent by the next catch-up: it is in the inbox
    inbound.clear(); // likewise; a stage still running (busy) keeps the next connection's messages waiting
    syncPage = null;
    long now = System.currentTimeMillis();
    if (wasRegistered) backoff.connectionEnded(registeredAtMs, now);
    boolean bySelf = kickedBySelf;
    kickedBySelf = false;
    if (closed) return;
    if (kicked || (code == 4003 && !bySelf)) {
      terminate("kicked", null);
    } else if (code == 4001) {
      if (authRetried) {
        terminate("auth_failed", new IllegalStateException("vpush refused the token twice (4001 " + reason + ")"));
      } else {
        // The token may have expired: ask the supplier once more, at once and on the same node.
        authRetried = true;
        setState(State.DISCONNECTED, "4001 " + reason, null);
        dial();
      }
    } else {
      setState(State.DISCONNECTED, code + " " + reason, null);
      scheduleReconnect();
    }
  }

  private void scheduleReconnect() {
    if (closed) return;
    long delay;
    if (reconnectAfterMs >= 0) {
      delay = reconnectAfterMs;
      reconnectAfterMs = -1;
    } else {
      delay = backoff.nextDelayMs(jitter.getAsDouble());
    }
    if (!sameUrl) plan.advance();
    sameUrl = false;
    dialTimer = loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
  }

  private void terminate(String reason, Throwable error) {
    closed = true;
    cancel(pingTimer);
    cancel(ackTimer);
    cancel(dialTimer);
    setState(State.CLOSED, reason, error);
    firstConnect.completeExceptionally(error != null ? error : new IllegalStateException("vpush client " + reason));
    loop.shutdown();
  }

  // --- frames ---------------------------------------------------------------------------------------------------

  private void received(int g, String text) {
    if (g != gen || ws == null) return;
    JsonNode f;
    try {
      f = JSON.readTree(text);
    } catch (Exception e) {
      errorHandler.accept(new IllegalStateException("unreadable frame from vpush", e));
      return;
    }
    String type = f.path("type").asText();
    String address = f.path("address").asText(null);
    if ("rec".equals(type) && address != null) {
      if (address.equals(userAddress)) {
        userFrame(f);
      } else if (address.equals(refreshReply)) {
        refreshReply = null;
        refreshHandler.accept(f.path("body").path("deadline").asLong(0));
      } else if (address.equals(syncReply)) {
        inbound.offerSyncAnswer(f.path("body"));
        drain();
      } else if (address.startsWith(TOPIC_PREFIX)) {
        Consumer<Message> h = topics.get(address.substring(TOPIC_PREFIX.length()));
        if (h != null) {
          Map<String, String> headers = headers(f);
          runHandler(h, new Message(-1, headers.get("id"), parseLong(headers.get("ts"), 0), f.path("body"), headers,
              address.substring(TOPIC_PREFIX.length())));
        }
      }
    } else if ("err".equals(type)) {
      if (address != null && address.equals(refreshReply)) refreshReply = null; // refused: the close at the old deadline follows
      if (address != null && address.equals(syncReply)) {
        // rate_limited / unavailable: the sync is retried; live messages still wait behind it.
        String reply = syncReply;
        loop.schedule(() -> {
          if (syncing && reply.equals(syncReply)) startSync();
        }, 1000, TimeUnit.MILLISECONDS);
      }
      errorHandler.accept(new VPushException(f.path("failureType").asText(), f.path("message").asText()));
      if (!registered && userAddress != null && userAddress.equals(address) && !"access_denied".equals(f.path("failureType").asText())) {
        // The register failed for now (unavailable: the store is down): the connection would stay open and idle, so
        // drop it and register again on a new one, after the backoff.
        WebSocket w = ws;
        if (w != null) {
          lost(gen, -5, "register failed: " + f.path("failureType").asText());
          w.close(1000, "register failed");
        }
      }
    }
  }

  private void userFrame(JsonNode f) {
    Map<String, String> headers = headers(f);
    String control = headers.get("control");
    if (control != null) {
      switch (control) {
        case "registered" -> registered(f.path("body"));
        // Kicked by our own instance: a register of a connection we had given up on reached a node after this one
        // registered. Nobody else took over, so connect again rather than stop.
        case "kicked" -> {
          if (instance.equals(f.path("body").path("instance").asText(null))) kickedBySelf = true;
          else kicked = true;
        }
        case "refresh" -> refreshToken();
        case "reconnect" -> {
          reconnectAfterMs = Math.max(0, f.path("body").path("afterMs").asLong(0));
          plan.stale(); // a node is leaving: the list that named it is asked for again once used up
        }
        default -> { }
      }
      return;
    }
    long seq = parseLong(headers.get("seq"), -1);
    if (seq < 0) return;
    Message m = new Message(seq, headers.get("id"), parseLong(headers.get("ts"), 0), f.path("body"), headers, null);
    if (gate.known() && seq <= gate.lastSeq()) {
      // Processed already (a re-send, a replay): ack again, the last ack may not have reached the server.
      duplicatesDropped++;
      ackLater(gate.lastSeq());
      return;
    }
    switch (inbound.offer(m)) {
      case QUEUED -> drain();
      case DUPLICATE -> duplicatesDropped++; // waiting or in flight: acked when processed
      case OVERFLOW -> errorHandler.accept(new IllegalStateException("more than " + maxQueuedMessages
          + " messages wait for the message handler: the rest stay on the server until it caught up"));
      case DROPPED -> { }
    }
  }

  /** Hands queued messages and sync answers over, one at a time, until one's handler is still running. */
  private void drain() {
    while (!busy && !closed && ws != null) {
      if (syncPage != null) {
        if (!continueSyncPage()) return;
        continue;
      }
      InboundQueue.Item next = inbound.poll();
      if (next == null) {
        if (inbound.overflowed() && !syncing && registered) {
          // What was dropped past the bound is in the server's inbox: fetch it now the handler has caught up.
          inbound.overflowHandled();
          startSync();
        }
        return;
      }
      if (next.live() != null) live(next.live());
      else beginSyncPage(next.syncAnswer());
    }
  }

  private void live(Message m) {
    long seq = m.seq();
    if (syncing) {
      if (gate.isNew(seq) && (held == null || seq > held.seq())) held = m;
      return;
    }
    switch (gate.classify(seq)) {
      case DELIVER -> deliver(m);
      case DUPLICATE -> {
        duplicatesDropped++;
        ackLater(gate.lastSeq());
      }
      case JUMP -> {
        held = m;
        startSync();
      }
    }
  }

  private void registered(JsonNode body) {
    registered = true;
    authRetried = false;
    registeredAtMs = System.currentTimeMillis();
    long serverLast = body.path("lastSeq").asLong(0);
    if (gate.known() && serverLast < gate.lastSeq()) {
      // The server lost its state (the memory engine restarted): its seqs start again, so must ours. The session
      // registered with our higher lastSeq would drop its new seqs, so register again from the server's.
      gate.resetTo(serverLast);
      store.save(serverLast);
      WebSocket w = ws;
      reconnectAfterMs = 0;
      sameUrl = true;
      lost(gen, -4, "the server lost its state; registering again from lastSeq " + serverLast);
      w.close(1000, "re-register");
      return;
    }
    plan.registered();
    for (String t : topics.keySet()) send(frame("register", TOPIC_PREFIX + t));
    setState(State.CONNECTED, null, null);
    flushAck();
    firstConnect.complete(null);
  }

  /**
   * {@code control: refresh}: the token expires soon. Asks the supplier for a fresh one and sends it on this connection
   * ({@code vpush.refresh}); if that fails, the server closes with 4001 at the deadline and the re-dial asks again.
   */
  private void refreshToken() {
    if (refreshReply != null || ws == null) return;
    String token;
    try {
      token = tokenSupplier.get();
    } catch (RuntimeException e) {
      errorHandler.accept(e);
      return;
    }
    if (token == null || token.equals(currentToken)) {
      errorHandler.accept(new IllegalStateException("token refresh: the supplier gave no new token"));
      return;
    }
    currentToken = token;
    refreshReply = "vpush-refresh-" + (++refreshCounter);
    ObjectNode f = frame("send", "vpush.refresh");
    f.putObject("body").put("token", token);
    f.put("replyAddress", refreshReply);
    send(f);
  }

  private void startSync() {
    syncing = true;
    syncSince = gate.lastSeq();
    syncReply = "vpush-sync-" + (++syncCounter);
    ObjectNode f = frame("send", "vpush.sync");
    f.putObject("body").put("since", syncSince).put("limit", syncLimit);
    f.put("replyAddress", syncReply);
    send(f);
  }

  private void beginSyncPage(JsonNode body) {
    JsonNode messages = body.path("messages");
    if (body.path("gap").asBoolean(false)) {
      long before = messages.size() > 0 ? messages.get(0).path("seq").asLong() : held != null ? held.seq() : -1;
      gapHandler.accept(new Gap(syncSince, before));
    }
    syncPage = body;
    syncPageIndex = 0;
  }

  /** Hands the sync page over from where it stopped; false when a handler is still running (or failed). */
  private boolean continueSyncPage() {
    JsonNode body = syncPage;
    JsonNode messages = body.path("messages");
    while (syncPageIndex < messages.size()) {
      JsonNode m = messages.get(syncPageIndex++);
      long seq = m.path("seq").asLong();
      if (!gate.isNew(seq)) continue;
      Message msg = new Message(seq, m.path("id").asText(null), m.path("ts").asLong(0), m.path("body"), Map.of(), null);
      if (!deliver(msg)) return false;
    }
    syncPage = null;
    if (body.path("more").asBoolean(false) && messages.size() > 0) {
      startSync();
      return true;
    }
    syncing = false;
    syncReply = null;
    if (inbound.overflowed()) {
      // Live messages were dropped meanwhile, some maybe below the held one: sync again rather than jump to it.
      held = null;
      inbound.overflowHandled();
      startSync();
      return true;
    }
    Message h = held;
    held = null;
    // After a full sync, whatever lies between lastSeq and the held message is not for this client (another device
    // type) or was reported as a gap above: deliver it.
    if (h != null && gate.isNew(h.seq())) deliver(h);
    return true;
  }

  // --- delivery and acks ----------------------------------------------------------------------------------------

  /**
   * Calls the handler. True when it is done with the message (a synchronous handler returned): the seq is recorded
   * (store, then ack). False when it failed (the connection is re-dialled) or its stage is still running ({@link
   * #busy}: the seq is recorded, and the queue drained on, when the stage completes).
   */
  private boolean deliver(Message m) {
    CompletionStage<?> stage;
    try {
      stage = messageHandler.apply(m);
      if (stage == null) throw new NullPointerException("the message handler returned no stage for seq " + m.seq());
    } catch (RuntimeException | Error e) {
      handlerFailed(m, e);
      return false;
    }
    if (stage == DONE) {
      processed(m);
      return true;
    }
    busy = true;
    stage.whenComplete((v, e) -> {
      // On whatever thread completed it: back to the client's thread (a rejected post means the client is closed).
      if (!post(() -> completed(m, e))) busy = false;
    });
    return false;
  }

  private void completed(Message m, Throwable e) {
    busy = false;
    if (e == null) {
      processed(m);
    } else {
      handlerFailed(m, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
    }
    drain();
  }

  private void processed(Message m) {
    gate.processed(m.seq());
    store.save(m.seq());
    ackLater(m.seq());
  }

  /** Not processed: not stored, not acked. Re-dial so the catch-up hands it over again, before what follows it. */
  private void handlerFailed(Message m, Throwable e) {
    errorHandler.accept(e);
    WebSocket w = ws;
    if (w != null) {
      lost(gen, -3, "message handler failed on seq " + m.seq());
      w.close(1000, "handler failed");
    }
  }

  private void ackLater(long seq) {
    long now = System.currentTimeMillis();
    if (acks.processed(seq, now)) {
      flushAck();
    } else if (ackTimer == null) {
      ackTimer = loop.schedule(() -> {
        ackTimer = null;
        flushAck();
      }, Math.max(0, acks.dueAtMs() - now), TimeUnit.MILLISECONDS);
    }
  }

  private void flushAck() {
    if (ws == null || !registered || acks.dueAtMs() < 0) return;
    long seq = acks.take();
    ObjectNode f = frame("send", "vpush.ack");
    f.putObject("body").put("seq", seq);
    send(f);
  }

  private void runHandler(Consumer<Message> h, Message m) {
    try {
      h.accept(m);
    } catch (RuntimeException | Error e) {
      errorHandler.accept(e);
    }
  }

  // --- helpers --------------------------------------------------------------------------------------------------

  private void setState(State s, String reason, Throwable error) {
    state = s;
    try {
      stateHandler.accept(new StateChange(s, reason, error));
    } catch (RuntimeException e) {
      errorHandler.accept(e);
    }
  }

  private void send(JsonNode f) {
    WebSocket w = ws;
    if (w != null) w.send(f.toString());
  }

  private boolean post(Runnable r) {
    try {
      loop.execute(r);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // the client is closed
    }
  }

  private static ObjectNode frame(String type, String address) {
    return JSON.createObjectNode().put("type", type).put("address", address);
  }

  private static Map<String, String> headers(JsonNode f) {
    Map<String, String> h = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = f.path("headers").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      h.put(e.getKey(), e.getValue().asText());
    }
    return h;
  }

  private static long parseLong(String s, long dflt) {
    if (s == null) return dflt;
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) f.cancel(false);
  }

  /** {@code http://host:8080} (no path) becomes {@code ws://host:8080/eventbus/websocket}; a ws(s) URL is kept. */
  static String wsUrl(String url) {
    String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    int scheme = u.indexOf("://");
    boolean hasPath = scheme >= 0 && u.indexOf('/', scheme + 3) >= 0;
    if (u.startsWith("http://")) u = "ws://" + u.substring(7);
    else if (u.startsWith("https://")) u = "wss://" + u.substring(8);
    return hasPath ? u : u + "/eventbus/websocket";
  }

  /** The {@code sub} claim of a JWT (not verified: the server does that). */
  static String subjectOf(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) throw new IllegalArgumentException("not a JWT; give the user id with builder().user(..)");
    try {
      JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      String sub = claims.path("sub").asText(null);
      if (sub == null || sub.isEmpty()) throw new IllegalArgumentException("the token has no sub claim");
      return sub;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("unreadable JWT claims", e);
    }
  }

  /** OkHttp's callbacks come on its threads: each one is posted to the client's thread, tagged with its dial. */
  private final class Listener extends WebSocketListener {
    private final int g;
    private final String token;
    private volatile long heardAtMs;
    // Frames read but not yet taken by the client's thread (a synchronous handler holds it): OkHttp cannot pause
    // reading, so past the bound the connection is dropped; the server keeps every unacked message.
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean overrun;

    Listener(int g, String token) {
      this.g = g;
      this.token = token;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      post(() -> opened(g, token));
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      heardAtMs = System.currentTimeMillis();
      take(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      heardAtMs = System.currentTimeMillis();
      take(webSocket, bytes.utf8());
    }

    private void take(WebSocket webSocket, String text) {
      if (overrun) return;
      if (waiting.incrementAndGet() > maxQueuedMessages + SPARE_FRAMES) {
        overrun = true;
        webSocket.cancel(); // onFailure follows, with the reason below
        return;
      }
      post(() -> {
        waiting.decrementAndGet();
        received(g, text);
      });
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(code, null);
      post(() -> lost(g, code, reason));
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      post(() -> lost(g, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      String reason = overrun
          ? "more than " + (maxQueuedMessages + SPARE_FRAMES) + " frames waited for the client's thread (a slow handler)"
          : String.valueOf(t);
      post(() -> lost(g, -1, reason));
    }
  }

  /** Options; {@link #url} (or {@link #urls}) and {@link #token} are required. */
  public static final class Builder {
    private final List<String> urls = new ArrayList<>();
    private Supplier<String> token;
    private String clientId;
    private String device;
    private String user;
    private LastSeqStore store = new MemoryLastSeqStore();
    private OkHttpClient http;
    private Duration ackInterval = Duration.ofMillis(100);
    private int ackMaxCount = 50;
    private Duration pingInterval = Duration.ofSeconds(5);
    private Duration deadAfter = Duration.ofSeconds(15);
    private Duration backoffBase = Duration.ofMillis(250);
    private Duration backoffMax = Duration.ofSeconds(30);
    private Duration stableAfter = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private boolean discovery = true;
    private Duration discoveryTimeout = Duration.ofSeconds(3);
    private Duration discoveryMaxAge = Duration.ofSeconds(60);
    private int syncLimit = 100;
    private int maxQueuedMessages = 1000;
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

    private Builder() {}

    /**
     * A cluster's (or one node's) base URL, {@code http://host:8080}, or a full {@code ws://host:8080/eventbus/websocket}.
     * With {@link #discovery(boolean) discovery} (the default) the client asks it for the nodes to dial.
     */
    public Builder url(String url) {
      urls.clear();
      urls.add(Objects.requireNonNull(url));
      return this;
    }

    /** Several URLs: discovery asks them in turn; without discovery (or when it fails) reconnects move to the next one. */
    public Builder urls(List<String> list) {
      urls.clear();
      urls.addAll(list);
      return this;
    }

    /** Called before every (re)connect, so a token can be refreshed. */
    public Builder token(Supplier<String> supplier) {
      this.token = Objects.requireNonNull(supplier);
      return this;
    }

    /** The device's stable id (the server keeps a cursor per user and clientId). */
    public Builder clientId(String id) {
      this.clientId = id;
      return this;
    }

    /** The device type ({@code mobile}, {@code pc}, ...). */
    public Builder device(String type) {
      this.device = type;
      return this;
    }

    /** The user id; by default the token's {@code sub}. */
    public Builder user(String id) {
      this.user = id;
      return this;
    }

    /** Where lastSeq lives; in memory by default. */
    public Builder lastSeqStore(LastSeqStore s) {
      this.store = Objects.requireNonNull(s);
      return this;
    }

    /** The OkHttp client to build on (its dispatcher, proxy, TLS settings). */
    public Builder okHttpClient(OkHttpClient c) {
      this.http = c;
      return this;
    }

    /** Acks go out at most this long after the first unacked handler returned (100 ms). */
    public Builder ackInterval(Duration d) {
      this.ackInterval = d;
      return this;
    }

    /** ... or as soon as this many were processed (50). */
    public Builder ackMaxCount(int n) {
      this.ackMaxCount = n;
      return this;
    }

    /** Pings every (5 s, the server's idle timeout is 30 s). */
    public Builder pingInterval(Duration d) {
      this.pingInterval = d;
      return this;
    }

    /** A connection from which nothing arrived this long is dropped and re-dialled (15 s). */
    public Builder deadAfter(Duration d) {
      this.deadAfter = d;
      return this;
    }

    /** Reconnect backoff: first ceiling, last ceiling, and how long a connection must last to reset it. */
    public Builder backoff(Duration base, Duration max, Duration stableAfter) {
      this.backoffBase = base;
      this.backoffMax = max;
      this.stableAfter = stableAfter;
      return this;
    }

    /**
     * Node discovery (on by default): whenever the client has no node left to dial (at the start, and once the
     * discovered ones are used up) it asks {@code <url>/api/v1/connect?user=<user>} of each configured URL in turn
     * and dials the nodes it returns, from the front, one per connection. When every URL fails (network error, not
     * 200, an answer it cannot read) the configured URLs are dialled directly. Off: they are always dialled directly.
     */
    public Builder discovery(boolean on) {
      this.discovery = on;
      return this;
    }

    /** How long one {@code /api/v1/connect} request may take, connecting included, before the next URL is asked (3 s). */
    /**
     * How long discovered nodes that registered the client are dialled again, once used up, without asking
     * {@code /api/v1/connect} again; 60 s. A reconnect storm then does not become a storm of discovery requests.
     */
    public Builder discoveryMaxAge(Duration d) {
      this.discoveryMaxAge = Objects.requireNonNull(d);
      return this;
    }

    public Builder discoveryTimeout(Duration d) {
      this.discoveryTimeout = Objects.requireNonNull(d);
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    /** Messages asked per {@code vpush.sync} page (100; the server caps at its sync.maxLimit). */
    public Builder syncLimit(int n) {
      this.syncLimit = n;
      return this;
    }

    /**
     * Messages that may wait for the message handler (1000). Past it, with an async handler, further live messages
     * are left on the server (unacked) and fetched with {@code vpush.sync} once the handler has caught up; with a
     * synchronous one, which holds the client's thread, frames waiting for that thread are capped at this plus 64,
     * past which the connection is dropped and re-dialled (the server keeps every unacked message).
     */
    public Builder maxQueuedMessages(int n) {
      this.maxQueuedMessages = n;
      return this;
    }

    /** The backoff's random draws in [0, 1) (uniform by default; fixed in tests). */
    public Builder jitter(DoubleSupplier draws) {
      this.jitter = Objects.requireNonNull(draws);
      return this;
    }

    public VPushClient build() {
      if (urls.isEmpty()) throw new IllegalArgumentException("url is required");
      if (token == null) throw new IllegalArgumentException("token is required");
      if (syncLimit < 1) throw new IllegalArgumentException("syncLimit must be at least 1");
      if (maxQueuedMessages < 1) throw new IllegalArgumentException("maxQueuedMessages must be at least 1");
      if (pingInterval.isZero() || pingInterval.isNegative() || deadAfter.compareTo(pingInterval) <= 0) {
        throw new IllegalArgumentException("pingInterval must be positive and below deadAfter");
      }
      return new VPushClient(this);
    }
  }
}
