package io.vpush.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vpush.access.AccessRole;
import io.vpush.access.EventBusUpstream;
import io.vpush.access.Shards;
import io.vpush.cluster.ClusterNodeDirectory;
import io.vpush.cluster.ClusterReadiness;
import io.vpush.cluster.LocalNodeDirectory;
import io.vpush.cluster.NodeDirectory;
import io.vpush.cluster.NodeRegistry;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.delay.DelayVerticle;
import io.vpush.dispatch.ClusterDispatcher;
import io.vpush.dispatch.Dispatcher;
import io.vpush.dispatch.LocalDelivery;
import io.vpush.dispatch.LocalDispatcher;
import io.vpush.dispatch.NodeEndpoint;
import io.vpush.dispatch.RouteCache;
import io.vpush.http.ApiKeyRing;
import io.vpush.http.HttpConnectionGuard;
import io.vpush.limit.NodeRate;
import io.vpush.metrics.Metrics;
import io.vpush.ops.AdminApi;
import io.vpush.ops.ConnectRoute;
import io.vpush.ops.NodeOps;
import io.vpush.ops.OpsRoutes;
import io.vpush.purge.EventBusPublishDoor;
import io.vpush.purge.Publisher;
import io.vpush.purge.kafka.KafkaDoors;
import io.vpush.purge.tcp.TcpBridge;
import io.vpush.store.Store;
import io.vpush.time.Clock;
import io.vpush.time.WheelDriver;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts a node together: {@link #build} makes its services for the configured roles (plain objects: no consumer, no
 * timer, whatever thread it runs on), {@link #start} deploys their verticles in order (each consumer and timer is
 * made in its verticle's start, on that verticle's event loop), {@link #close} stops them in reverse
 * ({@link ShutdownSequence}).
 */
public final class NodeAssembly {

  /** Cluster timings: registry refresh (entry TTL is 3x) and how long a node-to-node request may take. */
  private static final long REGISTRY_REFRESH_MS = 2_000;
  private static final long NODE_SEND_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final VPushConfig config;
  private final String nodeId;
  private final Clock clock;
  private final WheelDriver driver;
  private final Metrics metrics;
  private final NodeOps nodeOps;
  private final KafkaDoors kafka;
  private final Deployments deployments;
  /** The API keys in use (api.key, api.keysFile), re-read without a restart. */
  private final ApiKeyRing keys;
  /** Tells apart the shared random ports of nodes that share one Vert.x instance (tests). */
  private static final AtomicInteger PORT_IDS = new AtomicInteger();
  /** The HTTP port: the setting, or (0) the port Vert.x picked, known once the first HTTP verticle listens. */
  private volatile int httpPort;
  private Store store;
  private Dispatcher dispatcher;
  private Publisher publisher;
  private NodeRate publishes;
  private AccessRole access;
  private ApiRoutes api;
  private NodeRegistry registry;
  private RouteCache routes;
  private ShutdownSequence shutdown;
  private volatile int tcpBridgePort = -1;
  private volatile boolean closing;

  public NodeAssembly(Vertx vertx, VPushConfig config, Clock clock, WheelDriver driver) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.driver = driver;
    this.metrics = Metrics.of(vertx, config); // on the registry Vert.x's own meters use (VertxMeters)
    String id = config.get(Settings.NODE_ID);
    this.nodeId = id != null ? id : "node-" + UUID.randomUUID().toString().substring(0, 8);
    this.nodeOps = new NodeOps(vertx, nodeId, metrics, clock);
    this.kafka = new KafkaDoors(vertx, config, nodeId, metrics);
    this.deployments = new Deployments(vertx);
    this.keys = new ApiKeyRing(vertx, config, metrics);
    this.httpPort = config.get(Settings.HTTP_PORT);
  }

  /** Connects the store and the Kafka clients and makes the services of the configured roles. */
  public Future<Void> build() {
    // The keys file first: a bad one fails the start before any store or Kafka client is opened.
    return keys.load().compose(k -> Future.all(StoreFactory.create(vertx, config, clock), kafka.open())).map(all -> {
      wire(all.resultAt(0));
      return null;
    });
  }

  private void wire(Store engine) {
    store = nodeOps.metered(engine);
    NodeDescription description = new NodeDescription(nodeId, config, metrics, () -> httpPort, () -> closing);
    Shards shards = config.hasRole("access") ? new Shards() : null;
    LocalDelivery local = shards == null ? LocalDelivery.NONE : shards;
    NodeDirectory directory;
    if (vertx.isClustered()) {
      // Routing by user ID across the cluster (architecture.md): L1 route cache, route table, node addresses.
      routes = new RouteCache(config.get(Settings.ROUTE_CACHE_SIZE), config.get(Settings.ROUTE_CACHE_TTL_MS), clock);
      // Each registry entry also carries the node's stats snapshot, so any node's dashboard shows the whole cluster.
      registry = new NodeRegistry(vertx, nodeId, () -> description.describe().put("stats", nodeOps.snapshot()), REGISTRY_REFRESH_MS);
      nodeOps.statsSource(() -> registry.stats(nodeOps::snapshot));
      dispatcher = new ClusterDispatcher(vertx, nodeId, local, store, routes, registry, NODE_SEND_TIMEOUT_MS);
      directory = new ClusterNodeDirectory(registry);
    } else {
      dispatcher = new LocalDispatcher(local);
      directory = new LocalNodeDirectory(description::describe);
    }
    if (shards != null) {
      access = new AccessRole(vertx, nodeId, config, shards, store, dispatcher, kafka.upstreamOr(new EventBusUpstream(vertx.eventBus())),
          metrics, clock, driver);
    }
    publishes = NodeRate.publishes(config, metrics);
    publisher = new Publisher(store, dispatcher, metrics, clock, config.get(Settings.INBOX_TTL_SECONDS), config.get(Settings.PUBLISH_MAX_USERS));
    OpsRoutes ops = new OpsRoutes(vertx, store, metrics);
    api = new ApiRoutes(config, publisher, publishes, new AdminApi(store, dispatcher, directory), new ConnectRoute(directory), ops,
        nodeOps, () -> closing, keys);
    nodeOps.start(store);
    kafka.registerReadiness(ops.readiness());
    DurabilityReadiness.registerIfReplicated(engine, ops.readiness());
    if (registry != null) new ClusterReadiness(vertx, registry, nodeId).register(ops.readiness());
    shutdown = new ShutdownSequence(deployments, dispatcher, access, config.get(Settings.SHUTDOWN_RECONNECT_WINDOW_MS),
        kafka, store, nodeOps);
  }

  /**
   * Deploys the verticles in order: clustered, this node's address (one consumer per event loop), before any client
   * or publish can arrive; the HTTP port (and with it every access shard); clustered, the registry entry; then the
   * doors that take messages in.
   */
  public Future<Void> start() {
    int loops = config.accessInstances();
    LocalDelivery local = access == null ? LocalDelivery.NONE : access.shards();
    Future<?> endpoint = registry == null ? Future.succeededFuture()
        : deployments.deploy(Deployments.Group.CLUSTER, () -> new NodeEndpoint(nodeId, local, routes, metrics), loops);
    HttpConnectionGuard.Limits limits = httpLimits();
    SocketAddress http = listenAddress(config.httpHost(), config.get(Settings.HTTP_PORT));
    return endpoint
        .compose(v -> deployments.deploy(Deployments.Group.HTTP, () -> new HttpVerticle(http, port -> httpPort = port,
            io.vpush.tls.TlsOptions.http(HttpVerticle.options(config.get(Settings.FRAME_MAX_BYTES)), config), access, api, limits, metrics), loops))
        .compose(v -> deployments.deploy(Deployments.Group.HTTP, keys::watcher, 1))
        // The registry entry carries the client URL, so it goes in once the port is known.
        .compose(v -> registry == null ? Future.succeededFuture() : deployments.deploy(Deployments.Group.CLUSTER, () -> registry, 1))
        .compose(v -> startIntake());
  }

  /** Where every instance of a server listens: the configured port, or one random port they share (0). */
  private static SocketAddress listenAddress(String host, int port) {
    return port == 0 ? SocketAddress.sharedRandomPort(PORT_IDS.incrementAndGet(), host) : SocketAddress.inetSocketAddress(port, host);
  }

  private Future<Void> startIntake() {
    List<Future<?>> started = new ArrayList<>();
    if (config.hasRole("delay")) {
      started.add(deployments.deploy(Deployments.Group.INTAKE, () -> new DelayVerticle(store, publisher, clock,
          config.get(Settings.DELAY_POLL_MS), config.get(Settings.DELAY_LEASE_MS)), 1));
    }
    if (config.hasRole("purge")) {
      started.add(deployments.deploy(Deployments.Group.INTAKE, () -> new EventBusPublishDoor(publisher, publishes), 1));
      if (config.get(Settings.TCP_BRIDGE_ENABLED)) started.add(startTcpBridge());
    }
    var kafkaIngest = kafka.ingest(publisher, clock);
    if (kafkaIngest != null) started.add(deployments.deploy(Deployments.Group.INTAKE, kafkaIngest, 1));
    return Future.all(started).mapEmpty();
  }

  /** One bridge instance per event loop, sharing one port. */
  private Future<Void> startTcpBridge() {
    int port = config.get(Settings.TCP_BRIDGE_PORT);
    String host = config.get(Settings.TCP_BRIDGE_HOST);
    TcpBridge.Bounds bounds = new TcpBridge.Bounds(config.get(Settings.TCP_BRIDGE_MAX_IN_FLIGHT_BYTES),
        config.get(Settings.TCP_BRIDGE_FRAME_TIMEOUT_MS), config.get(Settings.TCP_BRIDGE_WRITE_STALL_TIMEOUT_MS), metrics, publishes);
    SocketAddress address = listenAddress(host, port);
    return deployments.deploy(Deployments.Group.INTAKE, () -> new TcpBridge(publisher, address, p -> tcpBridgePort = p,
            keys, config.get(Settings.PUBLISH_MAX_BODY_BYTES), config.get(Settings.TCP_BRIDGE_IDLE_TIMEOUT_MS), bounds,
            tls -> io.vpush.tls.TlsOptions.bridge(tls, config)),
            config.accessInstances())
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new IllegalStateException("the TCP bridge cannot listen on " + host + ":" + port
            + " (tcpBridge.port / VPUSH_TCP_BRIDGE_PORT, or tcpBridge.enabled=false): " + e.getMessage(), e)));
  }

  /** Stops the node in reverse order ({@link ShutdownSequence}). */
  public Future<Void> close() {
    closing = true;
    return shutdown.run();
  }

  /** The bounds of the HTTP port's connections, shared by the node's HTTP verticles. */
  private HttpConnectionGuard.Limits httpLimits() {
    // A SockJS stream's answers are bounded by outbound.maxBytes first (slow consumer): this bound must not cut it.
    long queued = Math.max(config.get(Settings.HTTP_MAX_QUEUED_BYTES),
        (long) config.get(Settings.OUTBOUND_MAX_BYTES) + 4L * config.get(Settings.FRAME_MAX_BYTES));
    return HttpConnectionGuard.Limits.of(config.get(Settings.HTTP_IDLE_TIMEOUT_MS),
        config.get(Settings.HTTP_REQUEST_TIMEOUT_MS), queued, metrics);
  }

  public String nodeId() { return nodeId; }
  public int tcpBridgePort() { return tcpBridgePort; }
  public int httpPort() { return httpPort; }
  public Shards shards() { return access == null ? null : access.shards(); }
  public Store store() { return store; }
  public Publisher publisher() { return publisher; }
  public Metrics metrics() { return metrics; }
}
