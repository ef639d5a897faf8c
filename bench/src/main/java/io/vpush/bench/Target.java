package io.vpush.bench;

import java.util.List;

/** The server under test: where to connect and publish, which processes to measure, and how to stop it. */
public interface Target extends AutoCloseable {

  /** bare, vpush, vpush-local, vpush-local-redis or vpush-cluster. */
  String name();

  String host();

  int port();

  String apiKey();

  /** The ports clients connect to (several for a cluster's access nodes); by default {@link #port()}. */
  default List<Integer> clientPorts() { return List.of(port()); }

  /** The TCP event-bus bridge port of the publishing node; -1 when the target has none. */
  default int bridgePort() { return -1; }

  /** More processes to measure as part of the server, as {@code role=pid} (e.g. {@code redis=123}). */
  default List<String> extraPids() { return List.of(); }

  /** The Redis the server uses, for commands per message; null when unknown or none. */
  default String redisUrl() { return null; }

  /** Server processes whose CPU, RSS and heap are measured (the bench's own pid when in-process). */
  List<Long> serverPids();

  /** Whether the server keeps messages and replays them after a reconnect (the bare server does not). */
  boolean replays();

  /** Whether the server runs inside the load generator's JVM (its CPU and memory then include the generator's). */
  boolean inProcess();

  @Override
  void close();

  /** Starts or attaches to the target named by {@code --target}. */
  static Target open(BenchOptions o) throws Exception {
    String t = o.str("target", "bare");
    return switch (t) {
      case "bare" -> o.flag("in-process") ? BareTarget.inProcess(o) : BareTarget.forked(o);
      case "vpush" -> RemoteTarget.of(o);
      case "vpush-local" -> VpushLocalTarget.start(o);
      case "vpush-cluster" -> ClusterTarget.start(o);
      default -> throw new IllegalArgumentException("unknown --target '" + t + "' (bare, vpush, vpush-local, vpush-cluster)");
    };
  }
}
