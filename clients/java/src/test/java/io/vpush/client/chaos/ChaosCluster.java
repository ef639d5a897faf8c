package io.vpush.client.chaos;

import io.vpush.testing.HazelcastFiles;
import io.vpush.testing.KafkaBroker;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TcpProxy;
import io.vpush.testing.VPushProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Three clustered vpush processes from the fat jar over one Redis: n0 and n1 run only the access role, n2 runs every
 * role (it takes HTTP and Kafka publishes and dispatches them). Clients reach each node through a {@link TcpProxy},
 * which is also the URL each node advertises in {@code /api/v1/connect}, so every client connection can be cut. A
 * node keeps its HTTP port when restarted, so its proxy keeps working.
 */
final class ChaosCluster implements AutoCloseable {
  static final String SECRET = "sdk-chaos-secret-0123456789abcdef0123";
  static final String API_KEY = "sdk-chaos-key";
  static final int NODES = 3;

  final RedisServer redis;
  final String kafkaTopic;
  private final KafkaBroker kafka;
  private final List<Path> hazelcast;
  private final String prefix;
  private final List<TcpProxy> proxies = new ArrayList<>();
  private final VPushProcess[] nodes = new VPushProcess[NODES];
  private final int[] ports = new int[NODES];

  ChaosCluster(String name) throws Exception {
    redis = RedisServer.start();
    kafka = KafkaBroker.shared();
    prefix = name + "-" + System.nanoTime();
    kafkaTopic = prefix + ".messages";
    kafka.createTopic(kafkaTopic, 4);
    hazelcast = HazelcastFiles.create(Path.of("conf", "cluster.xml"), NODES, Path.of("clients/java/target/chaos"), "vpush-chaos-");
    for (int i = 0; i < NODES; i++) ports[i] = io.vpush.testing.FreePorts.free();
    for (int i = 0; i < NODES; i++) proxies.add(new TcpProxy(ports[i]));
    for (int i = 0; i < NODES; i++) nodes[i] = node(i).launch();
    for (int i = 0; i < NODES; i++) nodes[i].awaitReady(Duration.ofSeconds(120));
  }

  private VPushProcess.Builder node(int i) {
    boolean all = i == NODES - 1;
    VPushProcess.Builder b = VPushProcess.builder().name("chaos-n" + i).heap("256m").port(ports[i])
        .jvmArgs("-Dvertx.hazelcast.config=" + hazelcast.get(i)).args("-cluster")
        .env(Map.of("VPUSH_NODE_ID", "n" + i, "VPUSH_ROLES", all ? "access,dispatch,purge,delay" : "access",
            "VPUSH_STORE", "redis", "VPUSH_REDIS_URL", redis.url(), "VPUSH_JWT_SECRET", SECRET, "VPUSH_API_KEY", API_KEY,
            "VPUSH_ACCESS_INSTANCES", "1", "VPUSH_TCP_BRIDGE_ENABLED", "false",
            "VPUSH_ADVERTISED_URL", "ws://127.0.0.1:" + proxies.get(i).port() + "/eventbus/websocket",
            // Room for a client that falls 2,000 behind while its nodes die: a trimmed inbox is a gap by design.
            "VPUSH_INBOX_CAP", "5000"));
    if (all) {
      b.env(Map.of("VPUSH_KAFKA_BOOTSTRAP", kafka.bootstrap(), "VPUSH_KAFKA_TOPIC", kafkaTopic,
          "VPUSH_KAFKA_GROUP", prefix + "-purge", "VPUSH_KAFKA_DLQ_TOPIC", prefix + ".dlq",
          "VPUSH_KAFKA_UPSTREAM_TOPIC", prefix + ".upstream", "VPUSH_KAFKA_PRESENCE_TOPIC", prefix + ".presence"));
    }
    return b;
  }

  /** The URLs clients are given: every node's proxy. */
  List<String> clientUrls() {
    List<String> out = new ArrayList<>();
    for (TcpProxy p : proxies) out.add(p.url());
    return out;
  }

  /** The node that accepts publishes (HTTP and Kafka); never harmed. */
  String publishUrl() {
    return "http://127.0.0.1:" + ports[NODES - 1];
  }

  String kafkaBootstrap() {
    return kafka.bootstrap();
  }

  /** SIGKILLs node {@code i}: its connections die without a close. */
  void kill(int i) {
    nodes[i].kill9();
  }

  /** Starts node {@code i} again on its port and waits until it is ready. */
  void restart(int i) {
    nodes[i] = node(i).launch().awaitReady(Duration.ofSeconds(120));
  }

  /** SIGTERMs node {@code i} (graceful: its clients are told to reconnect elsewhere) and waits for its exit code. */
  int terminate(int i) {
    return nodes[i].sigterm(Duration.ofSeconds(60));
  }

  /** Cuts one random client connection on a random node's proxy; false when none was open there. */
  boolean cutOne(Random random) {
    return proxies.get(random.nextInt(proxies.size())).cutOne(random);
  }

  /** The last log lines of every node, for a failure message. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < NODES; i++) sb.append("--- n").append(i).append('\n').append(nodes[i].logTail(30));
    return sb.toString();
  }

  @Override
  public void close() throws Exception {
    for (VPushProcess n : nodes) {
      if (n != null) n.close();
    }
    for (TcpProxy p : proxies) p.close();
    redis.close();
  }
}
