package io.vpush;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vpush.access.AccessNode;
import io.vpush.access.ClientFrameHandler;
import io.vpush.access.EventBusUpstream;
import io.vpush.access.Hub;
import io.vpush.access.Session;
import io.vpush.access.UpstreamSink;
import io.vpush.cluster.ClusterNodeDirectory;
import io.vpush.cluster.ClusterReadiness;
import io.vpush.cluster.LocalNodeDirectory;
import io.vpush.cluster.NodeRegistry;
import io.vpush.cluster.NodeDirectory;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.delay.DelayVerticle;
import io.vpush.dispatch.ClusterDispatcher;
import io.vpush.dispatch.Dispatcher;
import io.vpush.dispatch.LocalDispatcher;
import io.vpush.dispatch.NodeEndpoint;
import io.vpush.dispatch.RouteCache;
import io.vpush.ops.AdminApi;
import io.vpush.ops.ApiKeyAuth;
import io.vpush.ops.DevTokenRoute;
import io.vpush.ops.HttpJson;
import io.vpush.ops.HttpConnectionGuard;
import io.vpush.protocol.JsonLimits;
import io.vpush.ops.Metrics;
import io.vpush.ops.NodeOps;
import io.vpush.ops.OpsRoutes;
import io.vpush.purge.EventBusPublishDoor;
import io.vpush.purge.HttpPublishHandler;
import io.vpush.purge.Publisher;
import io.vpush.purge.kafka.KafkaDoors;
import io.vpush.purge.tcp.TcpBridge;
import io.vpush.store.Store;
import io.vpush.store.StoreFactory;
import io.vpush.time.Clock;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One vpush node: builds the shared services for the configured roles and deploys their verticles. The
 * composition root; what a node does lives in the role packages.
 */
public final class VPushNode {

  private final Vertx vertx;
  private final VPushConfig config;
  private final String nodeId;
  private final Clock clock = Clock.SYSTEM;
  private final Metrics metrics = new Metrics();
  private HttpConnectionGuard.Limits httpLimits;
  private final Hub hub = new Hub();
  private final NodeOps nodeOps;
  private final KafkaDoors kafka;
  private Store store;
  private Dispatcher dispatcher;
  private Publisher publisher;
  private AccessNode access;
  private ClientFrameHandler frames;
  private OpsRoutes ops;
  private AdminApi admin;
  private EventBusPublishDoor eventBusDoor;
  /** The API key's publish requests per second, node-wide (HTTP, TCP bridge, event bus; not Kafka). */
  private io.vpush.limit.NodeRate publishes;
  // Cluster (-cluster): the node registry, this node's clustered endpoint, and the TCP bridge (purge role).
  private NodeRegistry registry;
  private NodeEndpoint endpoint;
  private int tcpBridgePort = -1;
  private int httpPort;
  private long routeRefreshTimer = -1;
  private final List<String> deployments = new ArrayList<>();
  // Shutdown: the verticles that take messages in (Kafka ingest, delay) stop first; set once close() began.
  private final List<String> intake = new ArrayList<>();
  private String httpDeployment;
  private volatile boolean closing;

  private VPushNode(Vertx vertx, VPushConfig config) {
    JsonLimits.install();
    this.vertx = vertx;
    this.config = config;
    String id = config.get(Settings.NODE_ID);
    this.nodeId = id != null ? id : "node-" + UUID.randomUUID().toString().substring(0, 8);
    this.nodeOps = new NodeOps(vertx, nodeId, metrics, clock);
    this.kafka = new KafkaDoors(vertx, config, nodeId, metrics);
  }

  /** Starts a node on {@code vertx} with a validated config. */
  public static Future<VPushNode> start(Vertx vertx, VPushConfig config) {
    VPushNode node = new VPushNode(vertx, config);
    return node.startRoles().map(node);
  }

  private Future<Void> startRoles() {
    return StoreFactory.create(vertx, config, clock).compose(s -> {
      store = nodeOps.metered(s);
      wireServices();
      httpPort = resolvePort(config.get(Settings.HTTP_PORT));
      // Clustered: this node's endpoint and registry entry exist before any client or publish can arrive.
      return endpoint == null ? Future.succeededFuture() : endpoint.start().compose(v -> registry.start());
    }).compose(v -> {
      List<Future<?>> started = new ArrayList<>();
      started.add(deploy(() -> new HttpVerticle(this), config.accessInstances()).onSuccess(id -> httpDeployment = id));
      if (config.hasRole("delay")) {
        started.add(deploy(() -> new DelayVerticle(store, publisher, clock, config.get(Settings.DELAY_POLL_MS), config.get(Settings.DELAY_LEASE_MS)), 1)
            .onSuccess(intake::add));
      }
      if (config.hasRole("purge")) {
        eventBusDoor = new EventBusPublishDoor(publisher, publishes);
        started.add(eventBusDoor.start(vertx.eventBus()));
        if (config.get(Settings.TCP_BRIDGE_ENABLED)) started.add(startTcpBridge());
      }
      var kafkaIngest = kafka.ingest(publisher, clock);
      if (kafkaIngest != null) started.add(deploy(kafkaIngest, 1).onSuccess(intake::add));
      if (access != null) startRouteRefresh();
      return Future.all(started).mapEmpty();
    });
  }

  private void wireServices() {
    NodeDirectory directory;
    if (vertx.isClustered()) {
      // Routing by user ID across the cluster (architecture.md): L1 route cache, route table, node addresses.
      RouteCache routes = new RouteCache(config.get(Settings.ROUTE_CACHE_SIZE), config.get(Settings.ROUTE_CACHE_TTL_MS), clock);
      // Each registry entry also carries the node's stats snapshot, so any node's dashboard shows the whole cluster.
      registry = new NodeRegistry(vertx, nodeId, () -> describe().put("stats", nodeOps.snapshot()), REGISTRY_REFRESH_MS);
      nodeOps.statsSource(() -> registry.stats(nodeOps::snapshot));
      dispatcher = new ClusterDispatcher(vertx, nodeId, hub, store, routes, registry, NODE_SEND_TIMEOUT_MS);
      endpoint = new NodeEndpoint(vertx.eventBus(), nodeId, hub, routes);
      directory = new ClusterNodeDirectory(registry);
    } else {
      dispatcher = new LocalDispatcher(hub);
      directory = new LocalNodeDirectory(this::describe);
    }
    publishes = io.vpush.limit.NodeRate.publishes(config, metrics);
    publisher = new Publisher(store, dispatcher, metrics, clock, config.get(Settings.INBOX_TTL_SECONDS), config.get(Settings.PUBLISH_MAX_USERS));
    if (config.hasRole("access")) {
      UpstreamSink upstream = kafka.upstreamOr(new EventBusUpstream(vertx.eventBus()));
      access = new AccessNode(nodeId, vertx, config, store, hub, dispatcher, upstream, metrics, clock);
      frames = new ClientFrameHandler(access);
    }
    admin = new AdminApi(store, dispatcher, directory);
    ops = new OpsRoutes(vertx, store, metrics);
    nodeOps.start(store);
    kafka.registerReadiness(ops.readiness());
    if (registry != null) new ClusterReadiness(vertx, registry, nodeId).register(ops.readiness());
  }

  /** Mounts the API, ops and static routes on one HTTP verticle's router. */
  void mountApi(Vertx vertx, Router router) {
    ApiKeyAuth apiKey = new ApiKeyAuth(config.get(Settings.API_KEY));
    if (config.hasRole("purge")) {
      router.post("/api/v1/messages")
          .handler(BodyHandler.create().setBodyLimit(config.get(Settings.PUBLISH_MAX_BODY_BYTES)).setHandleFileUploads(false))
          .handler(apiKey)
          // Shutting down: the HTTP door stops taking messages with the others, so callers retry on another node.
          .handler(ctx -> {
            if (closing) HttpJson.error(ctx, 503, "unavailable", "this node is shutting down");
            else ctx.next();
          })
          .handler(this::publishRate)
          .handler(new HttpPublishHandler(publisher));
    }
    router.route("/api/*").handler(apiKey);
    admin.mount(router);
    ops.mount(vertx, router);
    nodeOps.mount(router);
    if (config.isDev()) new DevTokenRoute(config).mount(router);
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("webroot"));
    router.route("/api/*").last().handler(ctx -> HttpJson.error(ctx, 404, "not_found", "no such API route"));
    // BodyHandler answers an over-limit body with a bare 413; give it the JSON reason.
    router.errorHandler(413, ctx -> HttpJson.error(ctx, 413, "too_large",
        "the body is larger than " + config.get(Settings.PUBLISH_MAX_BODY_BYTES) + " bytes"));
  }

  /** An HTTP publish over the node's publish rate is answered 429 + Retry-After, before its body is parsed. */
  private void publishRate(io.vertx.ext.web.RoutingContext ctx) {
    long retryAfter = publishes.admit("http");
    if (retryAfter == 0) ctx.next();
    else HttpJson.rateLimited(ctx, retryAfter, publishes.refusal(retryAfter));
  }

  private Future<String> deploy(java.util.function.Supplier<io.vertx.core.Deployable> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances)).onSuccess(deployments::add);
  }

  /** One bridge instance per event loop, sharing one port (picked here when the setting is 0). */
  private Future<Void> startTcpBridge() {
    int port = resolvePort(config.get(Settings.TCP_BRIDGE_PORT));
    String host = config.get(Settings.TCP_BRIDGE_HOST);
    TcpBridge.Bounds bounds = new TcpBridge.Bounds(config.get(Settings.TCP_BRIDGE_MAX_IN_FLIGHT_BYTES),
        config.get(Settings.TCP_BRIDGE_FRAME_TIMEOUT_MS), config.get(Settings.TCP_BRIDGE_WRITE_STALL_TIMEOUT_MS), metrics, publishes);
    return deploy(() -> new TcpBridge(publisher, host, port, config.get(Settings.API_KEY), config.get(Settings.PUBLISH_MAX_BODY_BYTES),
        config.get(Settings.TCP_BRIDGE_IDLE_TIMEOUT_MS), bounds), config.accessInstances())
        .onSuccess(id -> {
          intake.add(id);
          tcpBridgePort = port;
        })
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new IllegalStateException("the TCP bridge cannot listen on " + host + ":" + port
            + " (tcpBridge.port / VPUSH_TCP_BRIDGE_PORT, or tcpBridge.enabled=false): " + e.getMessage(), e)));
  }

  /** Refreshes this node's route entries in one batch per period, not one store call per connection. */
  private void startRouteRefresh() {
    long ttl = config.get(Settings.ROUTE_TTL_MS);
    routeRefreshTimer = vertx.setPeriodic(ttl / 3, id -> {
      List<io.vpush.store.Route> routes = new ArrayList<>();
      hub.forEachRoute(routes::add);
      if (!routes.isEmpty()) store.putRoutes(routes, ttl).onFailure(e -> metrics.problem("warn", "store"));
    });
  }

  /**
   * Graceful stop, in the order of architecture.md: (1) purge stops taking messages (publish doors, Kafka ingest,
   * which commits what was accepted as it leaves its group, and the delay role); (2) dispatch drains what it
   * holds; (3) access tells every client to reconnect elsewhere after a jittered {@code afterMs} within
   * {@code shutdown.reconnectWindowMs}, closes it with 1012 and stops listening; (4) the node leaves the cluster;
   * (5) the other verticles stop and Kafka producers close; (6) the store flushes and closes. Each step runs
   * even when the one before failed; the caller bounds the whole by {@code shutdown.timeoutMs}.
   */
  public Future<Void> close() {
    closing = true;
    if (routeRefreshTimer >= 0) vertx.cancelTimer(routeRefreshTimer);
    return stopIntake()
        .transform(ar -> dispatcher.drain())
        .transform(ar -> closeSessions())
        .transform(ar -> leaveCluster())
        .transform(ar -> undeploy(deployments.stream().filter(id -> !intake.contains(id) && !id.equals(httpDeployment)).toList()))
        .transform(ar -> kafka.close())
        .transform(ar -> store.close())
        .andThen(ar -> nodeOps.close());
  }

  /** Step 1: every door and verticle that accepts messages stops; Kafka ingest commits as it leaves the group. */
  private Future<Void> stopIntake() {
    return Future.join(
        eventBusDoor == null ? Future.succeededFuture() : eventBusDoor.stop(),
        undeploy(List.copyOf(intake))).mapEmpty();
  }

  /**
   * Step 3: each client gets {@code control: reconnect} with its own {@code afterMs} and a 1012 close now; the
   * jitter spreads their reconnects over the window. The HTTP verticles stop after (Session closes are queued
   * on their event loops first), so no new client lands here.
   */
  private Future<Void> closeSessions() {
    long window = config.get(Settings.SHUTDOWN_RECONNECT_WINDOW_MS);
    for (Session s : hub.sessions()) s.reconnectElsewhere(window == 0 ? 0 : ThreadLocalRandom.current().nextLong(window));
    return httpDeployment == null ? Future.succeededFuture() : undeploy(List.of(httpDeployment));
  }

  private Future<Void> undeploy(List<String> ids) {
    List<Future<?>> undeployed = new ArrayList<>();
    for (String id : ids) undeployed.add(vertx.undeploy(id));
    return Future.join(undeployed).mapEmpty();
  }

  /** Clustered: drop the registry entry and the node address, so dispatch stops sending here at once. */
  private Future<Void> leaveCluster() {
    if (registry == null) return Future.succeededFuture();
    return Future.join(registry.stop(), endpoint.stop()).mapEmpty();
  }


  JsonObject describe() {
    double load = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? Math.max(0, os.getProcessCpuLoad()) : 0;
    return new JsonObject().put("id", nodeId).put("url", advertisedUrl())
        .put("connections", metrics.connectionCount()).put("load", Math.round(load * 1000) / 1000.0)
        .put("roles", new io.vertx.core.json.JsonArray(config.roles()));
  }

  private String advertisedUrl() {
    String url = config.get(Settings.ADVERTISED_URL);
    if (url != null) return url;
    String host = config.get(Settings.HTTP_HOST);
    return "ws://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + httpPort + "/eventbus/websocket";
  }

  /** Port 0 means any free port; picked once here so every HTTP verticle instance shares it. */
  private static int resolvePort(int port) {
    if (port != 0) return port;
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** Cluster timings: registry refresh (entry TTL is 3x) and how long a node-to-node request may take. */
  private static final long REGISTRY_REFRESH_MS = 2_000;
  private static final long NODE_SEND_TIMEOUT_MS = 5_000;

  public String nodeId() { return nodeId; }
  /** The TCP bridge's bound port, or -1 when it is not running. */
  public int tcpBridgePort() { return tcpBridgePort; }
  public int httpPort() { return httpPort; }
  public Hub hub() { return hub; }
  public Store store() { return store; }
  public Metrics metrics() { return metrics; }
  public Publisher publisher() { return publisher; }
  AccessNode access() { return access; }
  ClientFrameHandler frames() { return frames; }
  Clock clock() { return clock; }
  long wheelTickMs() { return config.get(Settings.WHEEL_TICK_MS); }
  int frameMaxBytes() { return config.get(Settings.FRAME_MAX_BYTES); }
  String httpHost() { return config.get(Settings.HTTP_HOST); }

  /** The bounds of the HTTP port's connections, made once for the node's HTTP verticles. */
  synchronized HttpConnectionGuard.Limits httpLimits() {
    if (httpLimits == null) {
      // A SockJS stream's answers are bounded by outbound.maxBytes first (slow consumer): this bound must not cut it.
      long queued = Math.max(config.get(Settings.HTTP_MAX_QUEUED_BYTES),
          (long) config.get(Settings.OUTBOUND_MAX_BYTES) + 4L * config.get(Settings.FRAME_MAX_BYTES));
      httpLimits = HttpConnectionGuard.Limits.of(config.get(Settings.HTTP_IDLE_TIMEOUT_MS),
          config.get(Settings.HTTP_REQUEST_TIMEOUT_MS), queued, metrics);
    }
    return httpLimits;
  }
}
