package io.vpush.bench;

import io.vpush.testing.FreePorts;
import io.vpush.testing.HazelcastFiles;
import io.vpush.testing.RedisServer;
import io.vpush.testing.VPushProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Three clustered vpush nodes from the fat jar on one private Redis ({@code --target vpush-cluster}, the cluster
 * scenario's target): n1 and n2 access-only (the clients' ports), n3 dispatch+purge+delay with the HTTP and TCP
 * publish doors. The Hazelcast config is {@code --hazelcast-template} (default conf/cluster.xml) with a unique cluster
 * name and free member ports. {@code --server-env} goes to every node; {@code n3Env} only to the dispatch node.
 */
final class ClusterTarget implements Target {

  private final List<VPushProcess> nodes;
  private final int bridgePort;
  private final String apiKey;
  private final RedisServer redis;

  private ClusterTarget(List<VPushProcess> nodes, int bridgePort, String apiKey, RedisServer redis) {
    this.nodes = nodes;
    this.bridgePort = bridgePort;
    this.apiKey = apiKey;
    this.redis = redis;
  }

  static ClusterTarget start(BenchOptions o) throws Exception {
    return start(o, Map.of());
  }

  static ClusterTarget start(BenchOptions o, Map<String, String> n3Env) throws Exception {
    RedisServer redis = RedisServer.start();
    List<VPushProcess> nodes = new ArrayList<>();
    try {
      String apiKey = o.str("api-key", "bench-api-key");
      int bridgePort = FreePorts.free();
      List<Path> hz = HazelcastFiles.create(Path.of(o.str("hazelcast-template", "conf/cluster.xml")), 3,
          Files.createTempDirectory("vpush-bench-hz-"), "vpush-bench-");
      String[] roles = {"access", "access", "dispatch,purge,delay"};
      for (int i = 0; i < 3; i++) {
        Map<String, String> env = new HashMap<>(VpushLocalTarget.baseEnv(o, apiKey));
        env.putAll(Map.of("VPUSH_NODE_ID", "n" + (i + 1), "VPUSH_ROLES", roles[i], "VPUSH_STORE", "redis",
            "VPUSH_REDIS_URL", redis.url(), "VPUSH_TCP_BRIDGE_ENABLED", Boolean.toString(i == 2),
            "VPUSH_TCP_BRIDGE_PORT", Integer.toString(bridgePort)));
        env.putAll(VpushLocalTarget.serverEnv(o));
        if (i == 2) {
          if (o.has("kafka-bootstrap")) env.put("VPUSH_KAFKA_BOOTSTRAP", o.str("kafka-bootstrap", ""));
          if (o.has("kafka-topic")) env.put("VPUSH_KAFKA_TOPIC", o.str("kafka-topic", ""));
          env.putAll(n3Env);
        }
        List<String> jvm = new ArrayList<>(o.list("server-jvm-args"));
        jvm.add("-Dvertx.hazelcast.config=" + hz.get(i));
        // All three start at once so that their Hazelcast joins overlap; then each is awaited.
        nodes.add(VpushLocalTarget.node(o, "n" + (i + 1), jvm, List.of("-cluster"), env).launch());
      }
      for (VPushProcess n : nodes) n.awaitReady(Duration.ofSeconds(180));
      return new ClusterTarget(nodes, bridgePort, apiKey, redis);
    } catch (Exception | Error e) {
      nodes.forEach(VPushProcess::close);
      redis.close();
      throw e;
    }
  }

  /** The dispatch node's pid (n3: it publishes, accepts and routes; it holds no client). */
  long dispatchPid() { return nodes.get(2).pid(); }

  @Override public String name() { return "vpush-cluster"; }

  @Override public String host() { return "127.0.0.1"; }

  /** The publishing node's HTTP port. */
  @Override public int port() { return nodes.get(2).port(); }

  @Override public List<Integer> clientPorts() { return List.of(nodes.get(0).port(), nodes.get(1).port()); }

  @Override public int bridgePort() { return bridgePort; }

  @Override public String apiKey() { return apiKey; }

  @Override public List<Long> serverPids() { return nodes.stream().map(VPushProcess::pid).toList(); }

  @Override public List<String> extraPids() { return List.of("redis=" + redis.pid()); }

  @Override public String redisUrl() { return redis.url(); }

  @Override public boolean replays() { return true; }

  @Override public boolean inProcess() { return false; }

  @Override
  public void close() {
    nodes.forEach(n -> n.stop(JvmFork.STOP_GRACE));
    redis.close();
  }
}
