package io.vpush.bench;

import io.vpush.testing.FreePorts;
import io.vpush.testing.RedisServer;
import io.vpush.testing.VPushProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A vpush node forked from {@code target/vpush.jar} ({@code --jar} to override) with a free HTTP port, a free TCP
 * bridge port and the bench's JWT secret and API key, so a run is reproducible from one command. {@code --store redis}
 * also starts a private redis-server whose CPU counts as the server's; {@code --kafka-bootstrap} is passed on as
 * {@code VPUSH_KAFKA_BOOTSTRAP}. Extra env: {@code --server-env K=V,K2=V2}.
 */
final class VpushLocalTarget implements Target {

  private final VPushProcess node;
  private final int bridgePort;
  private final String apiKey;
  private final RedisServer redis;
  /** With {@code --durability replicated}: the master's one replica, whose CPU counts as Redis's. */
  private final RedisServer replica;

  private VpushLocalTarget(VPushProcess node, int bridgePort, String apiKey, RedisServer redis, RedisServer replica) {
    this.node = node;
    this.bridgePort = bridgePort;
    this.apiKey = apiKey;
    this.redis = redis;
    this.replica = replica;
  }

  static VpushLocalTarget start(BenchOptions o) throws Exception {
    String store = o.str("store", "memory");
    // --durability (Redis only, issue 27): fsync runs Redis with appendfsync always, replicated adds one replica.
    String durability = o.str("durability", "memory");
    if (!List.of("memory", "fsync", "replicated").contains(durability)) {
      throw new IllegalArgumentException("unknown --durability '" + durability + "' (memory, fsync, replicated)");
    }
    if (!"memory".equals(durability) && !"redis".equals(store)) throw new IllegalArgumentException("--durability needs --store redis");
    RedisServer redis = !"redis".equals(store) ? null : "fsync".equals(durability) ? RedisServer.startAof() : RedisServer.start();
    RedisServer replica = null;
    try {
      if ("replicated".equals(durability)) {
        replica = RedisServer.startReplicaOf(redis.port());
        redis.awaitConnectedReplicas(1, Duration.ofSeconds(30));
      }
      String apiKey = o.str("api-key", "bench-api-key");
      int bridgePort = FreePorts.free();
      Map<String, String> env = new HashMap<>(baseEnv(o, apiKey));
      env.put("VPUSH_TCP_BRIDGE_PORT", Integer.toString(bridgePort));
      if (redis != null) {
        env.put("VPUSH_STORE", "redis");
        env.put("VPUSH_REDIS_URL", redis.url());
        env.put("VPUSH_STORE_DURABILITY", durability);
      } else if ("memory".equals(store)) {
        env.put("VPUSH_STORE", "memory"); // production mode runs on memory only when it is chosen
      } else {
        throw new IllegalArgumentException("unknown --store '" + store + "' (memory, redis)");
      }
      if (o.has("kafka-bootstrap")) env.put("VPUSH_KAFKA_BOOTSTRAP", o.str("kafka-bootstrap", ""));
      if (o.has("kafka-topic")) env.put("VPUSH_KAFKA_TOPIC", o.str("kafka-topic", ""));
      env.putAll(serverEnv(o));
      VPushProcess node = node(o, "vpush", o.list("server-jvm-args"), List.of(), env).launch();
      try {
        node.awaitReady(Duration.ofSeconds(90));
      } catch (AssertionError | RuntimeException e) {
        node.close();
        throw e;
      }
      return new VpushLocalTarget(node, bridgePort, apiKey, redis, replica);
    } catch (Exception | Error e) {
      if (replica != null) replica.close();
      if (redis != null) redis.close();
      throw e;
    }
  }

  /**
   * Credentials and dev mode, shared with the cluster target; and the node-wide rate limits raised far out of reach
   *: the idle and reconnect scenarios open connections as fast as they can (100k in seconds) and the rate
   * search publishes as fast as the node takes, while the defaults (5,000 connections/s, burst 20,000; 50,000
   * publishes/s, burst 100,000) protect a production node. {@code --server-env} can set them back.
   */
  static Map<String, String> baseEnv(BenchOptions o, String apiKey) {
    return Map.of("VPUSH_JWT_SECRET", o.str("jwt-secret", "bench-secret-bench-secret-bench-secret"),
        "VPUSH_API_KEY", apiKey, "VPUSH_MODE", "dev",
        "VPUSH_RATE_CONNECTIONS_PER_SECOND", "10000000", "VPUSH_RATE_CONNECTIONS_BURST", "100000000",
        "VPUSH_RATE_PUBLISHES_PER_SECOND", "10000000", "VPUSH_RATE_PUBLISHES_BURST", "100000000");
  }

  /**
   * A node of the fat jar ({@code --jar}, default target/vpush.jar under the working directory: run the bench from the
   * repository root, as scripts/bench.sh does) on a free HTTP port, its heap left to the JVM unless
   * {@code --server-jvm-args} sets one, its output in a temp file.
   */
  static VPushProcess.Builder node(BenchOptions o, String name, List<String> jvmArgs, List<String> args,
                                   Map<String, String> env) throws IOException {
    return VPushProcess.builder().name(name).jar(Path.of(o.str("jar", "target/vpush.jar"))).heap(null)
        .jvmArgs(jvmArgs.toArray(String[]::new)).args(args.toArray(String[]::new)).env(env)
        .logFile(Files.createTempFile("vpush-bench-" + name + "-", ".log"));
  }

  /** {@code --server-env K=V,K2=V2}. */
  static Map<String, String> serverEnv(BenchOptions o) {
    Map<String, String> env = new HashMap<>();
    for (String kv : o.list("server-env")) {
      int eq = kv.indexOf('=');
      env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return env;
  }

  @Override public String name() { return redis == null ? "vpush-local" : "vpush-local-redis"; }

  @Override public String host() { return "127.0.0.1"; }

  @Override public int port() { return node.port(); }

  @Override public int bridgePort() { return bridgePort; }

  @Override public String apiKey() { return apiKey; }

  @Override public List<Long> serverPids() { return List.of(node.pid()); }

  @Override public List<String> extraPids() {
    List<String> out = new ArrayList<>();
    if (redis != null) out.add("redis=" + redis.pid());
    if (replica != null) out.add("redis-replica=" + replica.pid());
    return out;
  }

  @Override public String redisUrl() { return redis == null ? null : redis.url(); }

  @Override public boolean replays() { return true; }

  @Override public boolean inProcess() { return false; }

  @Override
  public void close() {
    node.stop(JvmFork.STOP_GRACE);
    if (replica != null) replica.close();
    if (redis != null) redis.close();
  }
}
