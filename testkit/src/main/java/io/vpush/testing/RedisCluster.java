package io.vpush.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private three-master Redis Cluster for tests (no replicas), each node in a fresh directory so no stale
 * {@code nodes.conf} can get in the way.
 */
public final class RedisCluster implements AutoCloseable {

  private static final long READY_TIMEOUT_MS = 30_000;

  private final List<RedisServer> nodes;
  private final long startMillis;

  private RedisCluster(List<RedisServer> nodes, long startMillis) {
    this.nodes = nodes;
    this.startMillis = startMillis;
  }

  /** Starts three nodes, joins them with {@code redis-cli --cluster create} and waits for cluster_state:ok on each. */
  public static RedisCluster start() {
    long t0 = System.nanoTime();
    String cli = Processes.findOnPath("redis-cli");
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(RedisServer.start(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "5000")));
      }
      List<String> cmd = new ArrayList<>(List.of(cli, "--cluster", "create"));
      for (RedisServer n : nodes) cmd.add("127.0.0.1:" + n.port());
      cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Path log = Files.createTempFile("vpush-cluster-create-", ".log");
      Process create = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!create.waitFor(30, TimeUnit.SECONDS) || create.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
      }
      Files.deleteIfExists(log);
      awaitOk(nodes);
      return new RedisCluster(nodes, (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      nodes.forEach(RedisServer::stop);
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    } catch (InterruptedException e) {
      nodes.forEach(RedisServer::stop);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls CLUSTER INFO on every node until all say cluster_state:ok (external readiness, with a deadline). */
  private static void awaitOk(List<RedisServer> nodes) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    for (RedisServer n : nodes) {
      while (!n.call("CLUSTER", "INFO").contains("cluster_state:ok")) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("cluster node " + n.url() + " not ok after " + READY_TIMEOUT_MS + " ms");
        }
        Thread.sleep(50);
      }
    }
  }

  /** Seed URLs of all masters. */
  public List<String> urls() {
    return nodes.stream().map(RedisServer::url).toList();
  }

  public List<RedisServer> nodes() {
    return nodes;
  }

  /** How long start() took, in ms. */
  public long startMillis() {
    return startMillis;
  }

  /** Deletes every key and cached script on every master. */
  public void flush() {
    nodes.forEach(RedisServer::flush);
  }

  public void stop() {
    nodes.forEach(RedisServer::stop);
  }

  @Override
  public void close() {
    stop();
  }
}
