package io.vpush.config;

import java.util.List;

/**
 * Every vpush setting with its default: the one place defaults live.
 *
 * <p>{@code --help} and {@code docs/configuration.md} are written from this list.
 */
public final class Settings {

  private Settings() {}

  // --- node ---
  public static final Setting<String> MODE = Setting.oneOf("mode", "dev",
      "dev generates an API key and JWT secret and says so loudly; production refuses to start without them", "dev", "production");
  public static final Setting<List<String>> ROLES = Setting.list("roles", List.of("access", "dispatch", "purge", "delay"),
      "roles this node runs", "access", "dispatch", "purge", "delay");
  public static final Setting<String> NODE_ID = Setting.string("nodeId", null,
      "this node's id in the cluster (generated when absent)");
  public static final Setting<String> ADVERTISED_URL = Setting.string("advertisedUrl", null,
      "the WebSocket URL clients should use for this node (default ws://<host>:<http.port>/eventbus/websocket, wss:// when tls.* is set)");

  // --- HTTP (clients, publish API, admin, ops) ---
  // Dev mode serves /dev/token and generated secrets: unless told otherwise it is reachable from this machine only.
  public static final String HTTP_HOST_PRODUCTION = "0.0.0.0";
  public static final String HTTP_HOST_DEV = "127.0.0.1";
  public static final Setting<List<String>> HTTP_ALLOWED_ORIGINS = Setting.list("http.allowedOrigins", List.of(),
      "browser origins allowed to connect and to call the API (CORS): exact (https://app.example.com), wildcard "
          + "subdomains (https://*.example.com) or *; unset: the node's own origin only in production, any in dev mode");
  public static final Setting<String> HTTP_HOST = Setting.string("http.host", null,
      "address the HTTP server binds; unset: " + HTTP_HOST_PRODUCTION + " in production mode, " + HTTP_HOST_DEV
          + " (this machine only) in dev mode");
  public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", 8080, 0, 65535,
      "port for /eventbus, /api and ops endpoints (0 = any free port)");
  public static final Setting<Integer> ACCESS_INSTANCES = Setting.integer("access.instances", 0, 0, 256,
      "HTTP/access verticle instances, one per event loop (0 = number of cores)");

  // --- security ---
  public static final Setting<String> JWT_SECRET = Setting.string("jwt.secret", null,
      "HS256 secret for client tokens (dev mode generates one)");
  public static final Setting<String> JWT_PUBLIC_KEY = Setting.string("jwt.publicKey", null,
      "RS256 public key (PEM text or a path to a PEM file) for client tokens");
  // Token rules (issue 25): exp required in production unless turned off; iss/aud checked when set; clock skew allowed.
  public static final Setting<String> JWT_REQUIRE_EXP = Setting.oneOf("jwt.requireExp", "auto",
      "whether a client token must carry exp: auto = required in production mode, not in dev mode", "auto", "true", "false");
  public static final Setting<String> JWT_ISSUER = Setting.string("jwt.issuer", null,
      "when set, a client token's iss must equal it");
  public static final Setting<List<String>> JWT_AUDIENCE = Setting.list("jwt.audience", List.of(),
      "when set, a client token's aud must name one of these");
  public static final Setting<Integer> JWT_LEEWAY_SECONDS = Setting.integer("jwt.leewaySeconds", 30, 0, 3_600,
      "clock skew allowed when checking a client token's exp, nbf and iat");
  // --- token keys: rotation by kid, JWKS (issue 25) ---
  public static final Setting<List<String>> JWT_KEYS = Setting.list("jwt.keys", List.of(),
      "verification keys selected by a token's kid, each kid:alg:value; alg HS256 (value: the secret, 32+ bytes), RS256 or "
          + "ES256 (value: PEM public key or certificate text, or a path to a PEM file); beside jwt.secret/jwt.publicKey");
  public static final Setting<String> JWT_JWKS_URL = Setting.string("jwt.jwksUrl", null,
      "http(s) URL of a JWKS (RFC 7517) whose RS256/ES256 keys verify client tokens by kid; fetched at start, then refreshed");
  public static final Setting<Integer> JWT_JWKS_REFRESH_SECONDS = Setting.integer("jwt.jwksRefreshSeconds", 300, 10, 86_400,
      "how often the JWKS is fetched again; after a failed fetch (or before the first success) every jwt.jwksMinIntervalSeconds");
  public static final Setting<Integer> JWT_JWKS_MIN_INTERVAL_SECONDS = Setting.integer("jwt.jwksMinIntervalSeconds", 30, 1, 3_600,
      "at most one JWKS fetch per this interval for tokens naming an unknown kid (and the retry period after a failure)");
  public static final Setting<Integer> JWT_JWKS_TIMEOUT_MS = Setting.integer("jwt.jwksTimeoutMs", 5_000, 100, 60_000,
      "a JWKS fetch not answered whole within this time fails (the last good key set stays)");
  public static final Setting<Integer> JWT_JWKS_MAX_BYTES = Setting.integer("jwt.jwksMaxBytes", 262_144, 1_024, 16_777_216,
      "a JWKS response larger than this fails (the last good key set stays)");
  // --- end token keys ---
  // --- token refresh (issue 25): a connection is warned ahead of its token's exp and may send a fresh one ---
  public static final Setting<Integer> JWT_REFRESH_AHEAD_SECONDS = Setting.integer("jwt.refreshAheadSeconds", 60, 1, 86_400,
      "a connection whose token expires is sent control: refresh this long before exp (at most half the token's remaining "
          + "lifetime); without a vpush.refresh it is closed with 4001 at exp plus jwt.leewaySeconds");
  // --- end token refresh ---
  public static final Setting<String> API_KEY = Setting.string("api.key", null,
      "one API key with every scope (publish, admin, stats), named api.key; dev mode generates one when neither it nor api.keysFile is set");
  // --- API keys (issue 25): named, scoped keys in a file, re-read without a restart ---
  public static final Setting<String> API_KEYS_FILE = Setting.string("api.keysFile", null,
      "a JSON file of named API keys with scopes ({\"keys\":[{\"name\",\"scopes\",\"sha256\"}]}), re-read when it changes "
          + "and on POST /api/v1/admin/keys/reload; a bad file keeps the keys in use");
  public static final Setting<Integer> API_KEYS_FILE_CHECK_MS = Setting.integer("api.keysFileCheckMs", 5_000, 0, 3_600_000,
      "how often the node checks api.keysFile's modification time and re-reads it when it changed (0 = only on the admin call)");
  // --- end API keys ---

  // --- the HTTP port's connections ---
  public static final Setting<Integer> HTTP_IDLE_TIMEOUT_MS = Setting.integer("http.idleTimeoutMs", 30_000, 100, 3_600_000,
      "an HTTP connection without a whole request head for this long (idle keep-alive, or headers sent slowly) is closed");
  public static final Setting<Integer> HTTP_REQUEST_TIMEOUT_MS = Setting.integer("http.requestTimeoutMs", 30_000, 100, 3_600_000,
      "an HTTP request body must be received within this time of its head, or the connection is closed");
  public static final Setting<Integer> HTTP_MAX_QUEUED_BYTES = Setting.integer("http.maxQueuedBytes", 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024,
      "answers one HTTP connection may have waiting in its socket's queue (a client that pipelines and does not read); past it, it is closed. Never below outbound.maxBytes plus 4x frame.maxBytes");

  // --- client connections ---
  public static final Setting<Integer> AUTH_TIMEOUT_MS = Setting.integer("auth.timeoutMs", 10_000, 100, 600_000,
      "a connection must register its user stream within this time or is closed with 4001");
  public static final Setting<Integer> IDLE_TIMEOUT_MS = Setting.integer("idle.timeoutMs", 30_000, 1_000, 3_600_000,
      "a connection that sends nothing (not even a ping) for this long is closed with 1008");
  public static final Setting<Integer> FRAME_MAX_BYTES = Setting.integer("frame.maxBytes", 65_536, 1_024, 16 * 1024 * 1024,
      "largest client frame; larger gets err frame_too_large and close 1009");
  public static final Setting<Integer> OUTBOUND_MAX_BYTES = Setting.integer("outbound.maxBytes", 1024 * 1024, 4_096, 256 * 1024 * 1024,
      "bytes queued to one connection before it counts as a slow consumer (close 1008)");
  public static final Setting<Integer> OUTBOUND_MAX_MESSAGES = Setting.integer("outbound.maxMessages", 2_000, 10, 1_000_000,
      "frames queued to one connection before it counts as a slow consumer (close 1008)");
  public static final Setting<Integer> WHEEL_TICK_MS = Setting.integer("wheel.tickMs", 100, 1, 10_000,
      "tick of the per-event-loop timing wheel (heartbeats, auth and ack timeouts)");
  public static final Setting<List<String>> TOPICS_PUBLIC = Setting.list("topics.public", List.of(),
      "topic patterns any authenticated client may subscribe to ('*' matches a suffix, e.g. news.*)");

  // --- client connections: hostile clients ---
  public static final Setting<Integer> CLOSE_TIMEOUT_MS = Setting.integer("close.timeoutMs", 5_000, 100, 600_000,
      "a close the client does not take (its close frame unwritten or unanswered) within this time drops the connection (TCP reset)");
  public static final Setting<Integer> RATE_FRAMES_PER_SECOND = Setting.integer("rate.framesPerSecond", 200, 1, 1_000_000,
      "client frames (any kind, WebSocket pings included) one connection may send per second on average; past it: err rate_limited");
  public static final Setting<Integer> RATE_FRAMES_BURST = Setting.integer("rate.framesBurst", 2_000, 1, 10_000_000,
      "client frames one connection may send at once above the average");
  public static final Setting<Integer> RATE_UPSTREAM_PER_SECOND = Setting.integer("rate.upstreamPerSecond", 50, 1, 1_000_000,
      "vpush.upstream messages one connection may send per second on average; past it: err rate_limited");
  public static final Setting<Integer> RATE_UPSTREAM_BURST = Setting.integer("rate.upstreamBurst", 200, 1, 10_000_000,
      "vpush.upstream messages one connection may send at once above the average");
  public static final Setting<Integer> RATE_REFUSED_BEFORE_CLOSE = Setting.integer("rate.refusedBeforeClose", 500, 1, 10_000_000,
      "frames refused with rate_limited (net of 10% of the frame rate per second) after which the connection is closed with 1008");
  public static final Setting<Integer> TOPICS_MAX_PER_CONNECTION = Setting.integer("topics.maxPerConnection", 256, 0, 1_000_000,
      "topic subscriptions one connection may hold; past it a subscribe gets err access_denied");

  // --- delivery ---
  public static final Setting<Integer> ACK_TIMEOUT_MS = Setting.integer("ack.timeoutMs", 5_000, 10, 3_600_000,
      "a message not acked this long after it was sent is re-sent; each following wait doubles");
  public static final Setting<Integer> ACK_MAX_BACKOFF_MS = Setting.integer("ack.maxBackoffMs", 60_000, 10, 86_400_000,
      "the longest wait between re-sends");
  public static final Setting<Integer> ACK_MAX_RETRIES = Setting.integer("ack.maxRetries", 5, 0, 100,
      "re-sends of an unacked message on a live connection; after that it waits in the inbox");
  public static final Setting<Integer> INBOX_CAP = Setting.integer("inbox.cap", 1_000, 1, 1_000_000,
      "messages kept per user; the oldest go first");
  public static final Setting<Long> INBOX_TTL_SECONDS = Setting.longValue("inbox.ttlSeconds", 604_800, 1, 31_536_000,
      "default time a message is kept (a publish may set ttlSeconds)");
  public static final Setting<Integer> SYNC_DEFAULT_LIMIT = Setting.integer("sync.defaultLimit", 100, 1, 1_000,
      "messages in a vpush.sync reply when the client gives no limit");
  public static final Setting<Integer> SYNC_MAX_LIMIT = Setting.integer("sync.maxLimit", 1_000, 1, 10_000,
      "the largest limit a vpush.sync may ask for");
  // --- hostile store: syncs in flight per connection ---
  public static final Setting<Integer> SYNC_MAX_IN_FLIGHT = Setting.integer("sync.maxInFlight", 4, 1, 1_000,
      "vpush.sync requests one connection may have in flight (being read from the store); one more gets err rate_limited");
  // --- end hostile-store ---
  public static final Setting<Integer> PUBLISH_MAX_BODY_BYTES = Setting.integer("publish.maxBodyBytes", 65_536, 1_024, 16 * 1024 * 1024,
      "largest publish request body (HTTP, event bus); over it: 413");
  public static final Setting<Integer> PUBLISH_MAX_USERS = Setting.integer("publish.maxUsers", 10_000, 1, 1_000_000,
      "most users in one publish 'users' list");

  // --- store ---
  public static final Setting<String> STORE = Setting.oneOf("store", "memory",
      "memory (one node, not durable) or redis", "memory", "redis");
  public static final Setting<List<String>> REDIS_URL = Setting.list("redis.url", List.of("redis://127.0.0.1:6379"),
      "Redis URL; for cluster mode a comma list of seed URLs");
  public static final Setting<String> REDIS_MODE = Setting.oneOf("redis.mode", "standalone",
      "how to reach Redis", "standalone", "cluster", "sentinel");
  public static final Setting<String> REDIS_MASTER_NAME = Setting.string("redis.masterName", "mymaster",
      "sentinel mode: the master set name");
  public static final Setting<Integer> REDIS_POOL_SIZE = Setting.integer("redis.poolSize", 8, 1, 256,
      "Redis connections per node (each is pipelined)");
  public static final Setting<Integer> REDIS_COMMAND_TIMEOUT_MS = Setting.integer("redis.commandTimeoutMs", 5_000, 100,
      60_000, "a Redis command not answered within this time fails as unavailable (503 to publishers, err to clients)");
  // --- durability (issue 27): what a 202 promises on the Redis store ---
  public static final Setting<String> STORE_DURABILITY = Setting.oneOf("store.durability", "memory",
      "what an accepted message survives on the Redis store: memory (in the Redis master's memory, as Redis is configured), "
          + "fsync (on the master's disk: Redis must run appendonly yes, appendfsync always) or replicated (on store.replicas "
          + "replicas, by WAIT)", "memory", "fsync", "replicated");
  public static final Setting<Integer> STORE_REPLICAS = Setting.integer("store.replicas", 1, 1, 16,
      "store.durability=replicated: replicas that must confirm each accept batch (Redis WAIT)");
  public static final Setting<Integer> STORE_REPLICA_TIMEOUT_MS = Setting.integer("store.replicaTimeoutMs", 1_000, 10, 60_000,
      "store.durability=replicated: how long an accept batch waits for its replicas; fewer in time: 503 unavailable");
  // --- end durability ---
  public static final Setting<Integer> ROUTE_TTL_MS = Setting.integer("route.ttlMs", 60_000, 1_000, 3_600_000,
      "route table entries expire unless refreshed; they are refreshed in batches at a third of this");

  // --- Kafka ---
  public static final Setting<String> KAFKA_BOOTSTRAP = Setting.string("kafka.bootstrap", null,
      "Kafka bootstrap servers; the Kafka doors (ingest, upstream, presence) are on when set");
  public static final Setting<String> KAFKA_TOPIC = Setting.string("kafka.topic", "vpush.messages", "topic the purge role consumes");
  public static final Setting<String> KAFKA_GROUP = Setting.string("kafka.group", "vpush-purge", "consumer group of the purge role");
  public static final Setting<String> KAFKA_DLQ_TOPIC = Setting.string("kafka.dlqTopic", "vpush.messages.dlq", "where invalid records go");
  public static final Setting<String> KAFKA_UPSTREAM_TOPIC = Setting.string("kafka.upstreamTopic", "vpush.upstream", "client upstream messages");
  public static final Setting<String> KAFKA_PRESENCE_TOPIC = Setting.string("kafka.presenceTopic", "vpush.presence", "connect/disconnect events");
  public static final Setting<Integer> KAFKA_MAX_IN_FLIGHT = Setting.integer("kafka.maxInFlight", 2_000, 1, 1_000_000,
      "records being accepted per partition before that partition is paused");

  // --- delay ---
  public static final Setting<Integer> DELAY_POLL_MS = Setting.integer("delay.pollMs", 200, 10, 60_000,
      "how often the delay role looks for due scheduled messages");
  public static final Setting<Integer> DELAY_LEASE_MS = Setting.integer("delay.leaseMs", 30_000, 1_000, 3_600_000,
      "a claimed scheduled message is released again if not completed within this time");

  // --- cluster and TCP bridge ---
  public static final Setting<Integer> TCP_BRIDGE_PORT = Setting.integer("tcpBridge.port", 7000, 0, 65535,
      "TCP event-bus bridge port for internal callers (-1 is not allowed; set tcpBridge.enabled=false to turn off)");
  public static final Setting<Boolean> TCP_BRIDGE_ENABLED = Setting.bool("tcpBridge.enabled", true, "run the TCP event-bus bridge (purge role)");
  public static final Setting<String> TCP_BRIDGE_HOST = Setting.string("tcpBridge.host", "127.0.0.1", "address the TCP bridge binds");
  public static final Setting<Integer> TCP_BRIDGE_IDLE_TIMEOUT_MS = Setting.integer("tcpBridge.idleTimeoutMs", 60_000, 1_000, 3_600_000,
      "a bridge connection that sends nothing for this long is closed");
  public static final Setting<String> CLUSTER_HOST = Setting.string("cluster.host", "127.0.0.1",
      "-cluster: address the clustered event bus binds and advertises to other nodes (this host's address on a LAN)");
  public static final Setting<Integer> CLUSTER_PORT = Setting.integer("cluster.port", 0, 0, 65535,
      "-cluster: event-bus port for node-to-node messages (0 = any free port; Hazelcast itself uses conf/cluster.xml's port)");
  public static final Setting<Integer> ROUTE_CACHE_SIZE = Setting.integer("route.cacheSize", 100_000, 0, 10_000_000,
      "dispatch L1 route cache entries (user -> nodes)");
  public static final Setting<Integer> ROUTE_CACHE_TTL_MS = Setting.integer("route.cacheTtlMs", 5_000, 0, 600_000,
      "how long a cached route is trusted before it is read again");

  // --- hostile ports: bounds and timeouts of the TCP bridge and of the HTTP port's connections ---
  public static final Setting<Integer> TCP_BRIDGE_FRAME_TIMEOUT_MS = Setting.integer("tcpBridge.frameTimeoutMs", 10_000, 100, 600_000,
      "a bridge frame must be complete within this time of its first byte; past it, err bad_frame and the connection is closed");
  public static final Setting<Integer> TCP_BRIDGE_MAX_IN_FLIGHT_BYTES = Setting.integer("tcpBridge.maxInFlightBytes", 8 * 1024 * 1024,
      64 * 1024, 1024 * 1024 * 1024,
      "frame bytes of the publishes one bridge connection has awaiting their answer; past it the connection is not read until answers return");
  public static final Setting<Integer> TCP_BRIDGE_WRITE_STALL_TIMEOUT_MS = Setting.integer("tcpBridge.writeStallTimeoutMs", 10_000, 100, 600_000,
      "a bridge connection whose replies are not read is not read either; when its write queue stays full this long, it is closed");

  // --- hostile rates: node-wide rates of new connections and of the API key's publishes ---
  public static final Setting<Integer> RATE_CONNECTIONS_PER_SECOND = Setting.integer("rate.connectionsPerSecond", 5_000, 1, 10_000_000,
      "new client connections (WebSocket upgrades, new SockJS sessions) this node accepts per second on average; past it: HTTP 429 with Retry-After");
  public static final Setting<Integer> RATE_CONNECTIONS_BURST = Setting.integer("rate.connectionsBurst", 20_000, 1, 100_000_000,
      "new client connections this node accepts at once above the average");
  public static final Setting<Integer> RATE_PUBLISHES_PER_SECOND = Setting.integer("rate.publishesPerSecond", 50_000, 1, 10_000_000,
      "publish requests (HTTP, TCP bridge, event bus; not Kafka) this node accepts per second on average, one per request whatever its users; past it: 429 / err rate_limited");
  public static final Setting<Integer> RATE_PUBLISHES_BURST = Setting.integer("rate.publishesBurst", 100_000, 1, 100_000_000,
      "publish requests this node accepts at once above the average");

  // --- operations ---
  public static final Setting<Integer> SHUTDOWN_TIMEOUT_MS = Setting.integer("shutdown.timeoutMs", 30_000, 1_000, 600_000,
      "graceful shutdown finishes within this time, whatever happens");
  public static final Setting<Integer> SHUTDOWN_RECONNECT_WINDOW_MS = Setting.integer("shutdown.reconnectWindowMs", 5_000, 0, 600_000,
      "clients are told to reconnect at jittered times spread over this window");
  public static final Setting<Boolean> LOG_JSON = Setting.bool("log.json", false, "log JSON lines instead of text");
  public static final Setting<Boolean> METRICS_ENABLED = Setting.bool("metrics.enabled", true,
      "GET /metrics (Prometheus) with Vert.x's own HTTP, event-bus and pool meters beside vpush's; false: no /metrics (404) and no Vert.x meters, vpush's own still feed the dashboard and /api/v1/stats");

  // --- TLS (issue 25): the HTTP port, the TCP bridge, Redis (rediss://) and Kafka. Checked at start (TlsChecks). ---
  public static final Setting<String> TLS_CERT_PATH = Setting.string("tls.certPath", null,
      "PEM certificate (chain) of the HTTP port, with tls.keyPath: the port then serves https:// and wss:// only");
  public static final Setting<String> TLS_KEY_PATH = Setting.string("tls.keyPath", null,
      "PEM private key (PKCS#8 or PKCS#1, not encrypted) of tls.certPath");
  public static final Setting<String> TLS_PKCS12_PATH = Setting.string("tls.pkcs12Path", null,
      "PKCS#12 file with the HTTP port's private key and certificate (instead of tls.certPath and tls.keyPath)");
  public static final Setting<String> TLS_PKCS12_PASSWORD = Setting.string("tls.pkcs12Password", null,
      "password of tls.pkcs12Path (a secret: never logged)");
  public static final Setting<String> TLS_CLIENT_CA_PATH = Setting.string("tls.clientCaPath", null,
      "PEM CA certificate(s): when set, every connection to the HTTP port must present a client certificate signed by one (mutual TLS)");
  public static final Setting<Boolean> TCP_BRIDGE_TLS = Setting.bool("tcpBridge.tls", false,
      "serve the TCP bridge over TLS with the HTTP port's certificate (tls.certPath and tls.keyPath, or tls.pkcs12Path)");
  public static final Setting<String> TCP_BRIDGE_CLIENT_CA_PATH = Setting.string("tcpBridge.clientCaPath", null,
      "with tcpBridge.tls: PEM CA certificate(s); bridge callers must then present a client certificate signed by one");
  public static final Setting<String> REDIS_TLS_CA_PATH = Setting.string("redis.tls.caPath", null,
      "rediss:// URLs: PEM CA certificate(s) Redis's certificate must be signed by (unset: the JVM's trusted CAs); the host name is verified");
  public static final Setting<String> REDIS_TLS_CERT_PATH = Setting.string("redis.tls.certPath", null,
      "rediss:// URLs: PEM client certificate for a Redis that asks for one (tls-auth-clients), with redis.tls.keyPath");
  public static final Setting<String> REDIS_TLS_KEY_PATH = Setting.string("redis.tls.keyPath", null,
      "PEM private key of redis.tls.certPath");
  public static final Setting<String> KAFKA_SECURITY_PROTOCOL = Setting.oneOf("kafka.securityProtocol", "plaintext",
      "how the Kafka clients (consumer, producers, admin) reach the brokers", "plaintext", "ssl", "sasl_plaintext", "sasl_ssl");
  public static final Setting<String> KAFKA_SSL_TRUSTSTORE_PATH = Setting.string("kafka.ssl.truststorePath", null,
      "ssl and sasl_ssl: the CA certificates the brokers' certificates must be signed by (unset: the JVM's trusted CAs)");
  public static final Setting<String> KAFKA_SSL_TRUSTSTORE_TYPE = Setting.oneOf("kafka.ssl.truststoreType", "pem",
      "format of kafka.ssl.truststorePath", "pem", "pkcs12", "jks");
  public static final Setting<String> KAFKA_SSL_TRUSTSTORE_PASSWORD = Setting.string("kafka.ssl.truststorePassword", null,
      "password of a pkcs12 or jks kafka.ssl.truststorePath (a secret: never logged)");
  public static final Setting<String> KAFKA_SSL_KEYSTORE_PATH = Setting.string("kafka.ssl.keystorePath", null,
      "ssl and sasl_ssl: vpush's client key and certificate for brokers that ask for one (pem: one file with the PKCS#8 key and the chain)");
  public static final Setting<String> KAFKA_SSL_KEYSTORE_TYPE = Setting.oneOf("kafka.ssl.keystoreType", "pem",
      "format of kafka.ssl.keystorePath", "pem", "pkcs12", "jks");
  public static final Setting<String> KAFKA_SSL_KEYSTORE_PASSWORD = Setting.string("kafka.ssl.keystorePassword", null,
      "password of kafka.ssl.keystorePath and of its key (a secret: never logged)");
  public static final Setting<Boolean> KAFKA_SSL_VERIFY_HOSTNAME = Setting.bool("kafka.ssl.verifyHostname", true,
      "ssl and sasl_ssl: check that a broker's certificate names the host vpush dialled (ssl.endpoint.identification.algorithm=https)");
  public static final Setting<String> KAFKA_SASL_MECHANISM = Setting.oneOf("kafka.sasl.mechanism", "plain",
      "sasl_plaintext and sasl_ssl: how vpush authenticates to the brokers", "plain", "scram-sha-256", "scram-sha-512");
  public static final Setting<String> KAFKA_SASL_USERNAME = Setting.string("kafka.sasl.username", null,
      "sasl_plaintext and sasl_ssl: the SASL user");
  public static final Setting<String> KAFKA_SASL_PASSWORD = Setting.string("kafka.sasl.password", null,
      "sasl_plaintext and sasl_ssl: the SASL password (a secret: never logged)");
  // --- end TLS ---

  /** All settings, in documentation order. */
  public static final List<Setting<?>> ALL = List.of(
      MODE, ROLES, NODE_ID, ADVERTISED_URL,
      HTTP_HOST, HTTP_ALLOWED_ORIGINS, HTTP_PORT, ACCESS_INSTANCES, HTTP_IDLE_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_MAX_QUEUED_BYTES,
      JWT_SECRET, JWT_PUBLIC_KEY, JWT_REQUIRE_EXP, JWT_ISSUER, JWT_AUDIENCE, JWT_LEEWAY_SECONDS,
      JWT_KEYS, JWT_JWKS_URL, JWT_JWKS_REFRESH_SECONDS, JWT_JWKS_MIN_INTERVAL_SECONDS, JWT_JWKS_TIMEOUT_MS, JWT_JWKS_MAX_BYTES,
      API_KEY,
      API_KEYS_FILE, API_KEYS_FILE_CHECK_MS,
      AUTH_TIMEOUT_MS, IDLE_TIMEOUT_MS, FRAME_MAX_BYTES, OUTBOUND_MAX_BYTES, OUTBOUND_MAX_MESSAGES, WHEEL_TICK_MS, TOPICS_PUBLIC,
      ACK_TIMEOUT_MS, ACK_MAX_BACKOFF_MS, ACK_MAX_RETRIES, INBOX_CAP, INBOX_TTL_SECONDS, SYNC_DEFAULT_LIMIT, SYNC_MAX_LIMIT,
      PUBLISH_MAX_BODY_BYTES, PUBLISH_MAX_USERS,
      SYNC_MAX_IN_FLIGHT,
      STORE, REDIS_URL, REDIS_MODE, REDIS_MASTER_NAME, REDIS_POOL_SIZE, REDIS_COMMAND_TIMEOUT_MS, ROUTE_TTL_MS,
      STORE_DURABILITY, STORE_REPLICAS, STORE_REPLICA_TIMEOUT_MS,
      KAFKA_BOOTSTRAP, KAFKA_TOPIC, KAFKA_GROUP, KAFKA_DLQ_TOPIC, KAFKA_UPSTREAM_TOPIC, KAFKA_PRESENCE_TOPIC, KAFKA_MAX_IN_FLIGHT,
      DELAY_POLL_MS, DELAY_LEASE_MS,
      TCP_BRIDGE_PORT, TCP_BRIDGE_ENABLED, TCP_BRIDGE_HOST, TCP_BRIDGE_IDLE_TIMEOUT_MS, CLUSTER_HOST, CLUSTER_PORT, ROUTE_CACHE_SIZE, ROUTE_CACHE_TTL_MS,
      TCP_BRIDGE_FRAME_TIMEOUT_MS, TCP_BRIDGE_MAX_IN_FLIGHT_BYTES, TCP_BRIDGE_WRITE_STALL_TIMEOUT_MS,
      SHUTDOWN_TIMEOUT_MS, SHUTDOWN_RECONNECT_WINDOW_MS, LOG_JSON, METRICS_ENABLED,
      // hostile clients
      CLOSE_TIMEOUT_MS, RATE_FRAMES_PER_SECOND, RATE_FRAMES_BURST, RATE_UPSTREAM_PER_SECOND, RATE_UPSTREAM_BURST,
      RATE_REFUSED_BEFORE_CLOSE, TOPICS_MAX_PER_CONNECTION,
      // hostile rates
      RATE_CONNECTIONS_PER_SECOND, RATE_CONNECTIONS_BURST, RATE_PUBLISHES_PER_SECOND, RATE_PUBLISHES_BURST,
      // TLS
      TLS_CERT_PATH, TLS_KEY_PATH, TLS_PKCS12_PATH, TLS_PKCS12_PASSWORD, TLS_CLIENT_CA_PATH, TCP_BRIDGE_TLS, TCP_BRIDGE_CLIENT_CA_PATH,
      REDIS_TLS_CA_PATH, REDIS_TLS_CERT_PATH, REDIS_TLS_KEY_PATH,
      KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_TRUSTSTORE_PATH, KAFKA_SSL_TRUSTSTORE_TYPE, KAFKA_SSL_TRUSTSTORE_PASSWORD,
      KAFKA_SSL_KEYSTORE_PATH, KAFKA_SSL_KEYSTORE_TYPE, KAFKA_SSL_KEYSTORE_PASSWORD, KAFKA_SSL_VERIFY_HOSTNAME,
      KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,
      // token refresh
      JWT_REFRESH_AHEAD_SECONDS);
}
