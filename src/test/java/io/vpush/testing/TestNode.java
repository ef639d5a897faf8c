package io.vpush.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.VertxMeters;
import io.vpush.auth.TokenMinter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An in-process vpush node on a free port for integration tests, with fast test timings, tokens minted with its
 * secret, and an HTTP client for the publish and admin API; on its own Vert.x or on one the test shares.
 *
 * <p>The one fixture that stays with the server's tests rather than in the test kit (testkit/, the same package): it
 * runs the server's own classes, and the kit depends on nothing of the server.
 */
public final class TestNode implements AutoCloseable {

  public static final String SECRET = "test-node-secret-0123456789abcdef-0123456789";
  public static final String API_KEY = "test-node-api-key";

  /** An HTTP answer: status and body text (JSON where the API answers JSON). */
  public record Response(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final VPushConfig config;
  private final VPushNode node;
  private final HttpClient http;

  private TestNode(Vertx vertx, boolean ownsVertx, VPushConfig config, VPushNode node) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.node = node;
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()),
        new PoolOptions().setHttp1MaxSize(16));
  }

  /** Starts a node on its own Vert.x (with Vert.x's meters, as the launcher builds it) with {@link #config test defaults} plus {@code overrides}. */
  public static TestNode start(Map<Setting<?>, Object> overrides) {
    VPushConfig config = config(overrides);
    VertxMeters meters = VertxMeters.of(config);
    Vertx vertx = meters.bind(Vertx.vertx(meters.apply(new VertxOptions())));
    try {
      return start(vertx, true, config);
    } catch (AssertionError e) {
      vertx.close();
      throw e;
    }
  }

  public static TestNode start() {
    return start(Map.of());
  }

  /** Starts a node on the test's Vert.x (e.g. two nodes on one, or a test's own event bus consumer); close() leaves it open. */
  public static TestNode start(Vertx vertx, VPushConfig config) {
    return start(vertx, false, config);
  }

  private static TestNode start(Vertx vertx, boolean ownsVertx, VPushConfig config) {
    return new TestNode(vertx, ownsVertx, config, WsTestClient.await(VPushNode.start(vertx, config)));
  }

  /** Test defaults (loopback on a free port, short wheel tick, no TCP bridge, two access instances) plus {@code overrides}. */
  public static VPushConfig config(Map<Setting<?>, Object> overrides) {
    Map<Setting<?>, Object> settings = new HashMap<>();
    settings.put(Settings.HTTP_HOST, "127.0.0.1");
    settings.put(Settings.HTTP_PORT, 0);
    settings.put(Settings.JWT_SECRET, SECRET);
    settings.put(Settings.API_KEY, API_KEY);
    settings.put(Settings.TCP_BRIDGE_ENABLED, false);
    settings.put(Settings.WHEEL_TICK_MS, 10);
    settings.put(Settings.ACCESS_INSTANCES, 2);
    settings.put(Settings.DELAY_POLL_MS, 20);
    settings.putAll(overrides);
    return VPushConfig.defaults().with(settings, "test");
  }

  /**
   * Test defaults with Kafka on, every Kafka name starting with {@code prefix} (a test's own topics and group), one
   * access instance and patient idle and ack timeouts (the broker paces delivery), plus {@code extra}.
   */
  public static VPushConfig kafkaConfig(String bootstrap, String prefix, Map<Setting<?>, Object> extra) {
    Map<Setting<?>, Object> m = new HashMap<>();
    m.put(Settings.ACCESS_INSTANCES, 1);
    m.put(Settings.IDLE_TIMEOUT_MS, 120_000);
    m.put(Settings.ACK_TIMEOUT_MS, 30_000);
    m.put(Settings.KAFKA_BOOTSTRAP, bootstrap);
    m.put(Settings.KAFKA_TOPIC, prefix + ".messages");
    m.put(Settings.KAFKA_GROUP, prefix + "-purge");
    m.put(Settings.KAFKA_DLQ_TOPIC, prefix + ".dlq");
    m.put(Settings.KAFKA_UPSTREAM_TOPIC, prefix + ".upstream");
    m.put(Settings.KAFKA_PRESENCE_TOPIC, prefix + ".presence");
    m.putAll(extra);
    return config(m);
  }

  public Vertx vertx() { return vertx; }
  public VPushNode node() { return node; }
  public VPushConfig config() { return config; }
  public int port() { return node.httpPort(); }

  /** A user id no other test uses. */
  public static String freshUser(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  // --- tokens ---

  public String token(String user) {
    return TokenMinter.mint(vertx, config, user, 3600, List.of(), List.of());
  }

  public String token(String user, List<String> topics, List<String> devices) {
    return TokenMinter.mint(vertx, config, user, 3600, topics, devices);
  }

  // --- clients ---

  public WsTestClient connect() {
    return WsTestClient.connect(vertx, port(), null);
  }

  /** Connects and registers the user stream; waits for {@code control: registered}. */
  public WsTestClient connectAs(String user, Map<String, String> headers) {
    // Token first: the connection's auth timer starts at connect, and tests run with short auth timeouts.
    String token = token(user);
    WsTestClient c = connect();
    c.registered(user, token, headers);
    return c;
  }

  /** Connects as an app that acks each user message into {@code into} (see {@link WsTestClient#connectAcking}). */
  public WsTestClient connectAcking(Deliveries into, Duration timeout) {
    return WsTestClient.connectAcking(vertx, port(), into, token(into.user()), timeout);
  }

  // --- HTTP ---

  /** POST /api/v1/messages with the API key. */
  public Response publish(JsonObject body) {
    return WsTestClient.await(publishAsync(body));
  }

  public Future<Response> publishAsync(JsonObject body) {
    return request(HttpMethod.POST, "/api/v1/messages", Buffer.buffer(body.encode()), API_KEY);
  }

  /** Publishes {@code {user, payload}} and returns the answer's seq (fails unless 202). */
  public long publishTo(String user, Object payload) {
    Response r = publish(new JsonObject().put("user", user).put("payload", payload));
    if (r.status() != 202) throw new AssertionError("publish answered " + r);
    return r.json().getLong("seq");
  }

  /** Publishes {@code n} messages to a user, all in flight at once; returns the answers. */
  public List<JsonObject> publishMany(String user, int n, java.util.function.IntFunction<Object> payload) {
    List<Future<Response>> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) all.add(publishAsync(new JsonObject().put("user", user).put("payload", payload.apply(i))));
    WsTestClient.await(Future.all(all));
    List<JsonObject> out = new ArrayList<>(n);
    for (Future<Response> f : all) {
      if (f.result().status() != 202) throw new AssertionError("publish answered " + f.result());
      out.add(f.result().json());
    }
    return out;
  }

  public Response get(String path) {
    return WsTestClient.await(request(HttpMethod.GET, path, null, API_KEY));
  }

  public Response delete(String path) {
    return WsTestClient.await(request(HttpMethod.DELETE, path, null, API_KEY));
  }

  /** Any request; {@code apiKey} null sends no Authorization header. */
  public Future<Response> request(HttpMethod method, String path, Buffer body, String apiKey) {
    if (Vertx.currentContext() != null) return send(method, path, body, apiKey);
    // From a test's thread the chain would be built while the request runs on an event loop, and a response whose end
    // came before resp.body() was called left it waiting (HttpPublisher has the same guard): build it on a context.
    Promise<Response> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> send(method, path, body, apiKey).onComplete(done));
    return done.future();
  }

  private Future<Response> send(HttpMethod method, String path, Buffer body, String apiKey) {
    return http.request(method, path).compose(req -> {
      if (apiKey != null) req.putHeader("Authorization", "Bearer " + apiKey);
      if (body != null) req.putHeader("content-type", "application/json");
      return (body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString())));
    });
  }

  /** The sum of the samples of a Prometheus metric at /metrics whose line contains {@code labelFragment} (may be ""). */
  public double metric(String name, String labelFragment) {
    Response r = WsTestClient.await(request(HttpMethod.GET, "/metrics", null, null));
    double sum = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("#")) continue;
      boolean named = line.startsWith(name + "{") || line.startsWith(name + " ");
      if (named && line.contains(labelFragment)) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  /**
   * A client stalled in a catch-up: {@code n} messages of 12 KiB wait for {@code user}, a client with a 16 KiB receive
   * buffer registers from seq 0 and stops reading, and this returns once the node holds 256 KiB of frames of its own
   * for it, i.e. the kernel's buffers are full. 600 messages are far more than those buffers take (server send buffer
   * at most 4 MiB here) plus the default outbound bound of 1 MiB. The caller resumes and closes the client.
   */
  public WsTestClient stalledInCatchUp(String user, int n) {
    String big = "z".repeat(12 * 1024);
    publishMany(user, n, i -> new JsonObject().put("n", i).put("fill", big));
    String token = token(user);
    WsTestClient c = WsTestClient.connect(vertx, port(), null, new io.vertx.core.http.WebSocketClientOptions().setReceiveBufferSize(16 * 1024));
    c.registered(user, token, Map.of("lastSeq", "0"));
    c.pause();
    awaitMetric("vpush_outbound_queued_bytes", "", v -> v >= 256 * 1024, java.time.Duration.ofSeconds(30));
    return c;
  }

  /**
   * Waits until a metric's value (as {@link #metric}) meets {@code condition}, reading /metrics every 10 ms: a gauge has
   * no event to wait for. Fails with the last value after {@code timeout}.
   */
  public double awaitMetric(String name, String labelFragment, java.util.function.DoublePredicate condition, java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      double v = metric(name, labelFragment);
      if (condition.test(v)) return v;
      if (System.nanoTime() > deadline) throw new AssertionError(name + " still " + v + " after " + timeout);
      WsTestClient.await(vertx.timer(10));
    }
  }

  /** Closes the node, its HTTP client, and its Vert.x when it made it. */
  @Override
  public void close() {
    try {
      WsTestClient.await(node.close());
    } finally {
      WsTestClient.await(ownsVertx ? vertx.close() : http.close());
    }
  }
}
