package io.vpush.bench;

/**
 * Where and how a fleet connects: clients {@code first .. first+count-1} are users {@code <userPrefix><i>}, spread over
 * source addresses 127.0.0.2, .3, ... ({@code sources} of them) to stay clear of ephemeral-port exhaustion, and over
 * the server {@code ports} (client i on port i mod n: a cluster's access nodes).
 */
public record FleetConfig(String host, java.util.List<Integer> ports, String path, String userPrefix, int first, int count, int sources,
                          String jwtSecret, long pingMs, int connectConcurrency, long connectTimeoutMs) {

  static FleetConfig from(BenchOptions o, String host, java.util.List<Integer> ports, String userPrefix, int first,
                          int count) {
    int total = o.integer("clients", 100);
    // ~5,000 connections per source address keeps each (source, destination) pair far below the ~28k ephemeral ports.
    int sources = o.integer("sources", Math.max(2, Math.min(250, (total + 4_999) / 5_000)));
    return new FleetConfig(host, java.util.List.copyOf(ports), o.str("ws-path", "/eventbus/websocket"), userPrefix, first, count, sources,
        o.str("jwt-secret", "bench-secret-bench-secret-bench-secret"), o.longValue("ping-ms", 5_000),
        o.integer("connect-concurrency", 200), o.longValue("connect-timeout-ms", 15_000));
  }

  String user(int i) { return userPrefix + i; }

  int port(int i) { return ports.get(i % ports.size()); }

  String sourceAddress(int i) { return "127.0.0." + (2 + (i % sources)); }

  /** The command-line options that rebuild this config in a child process. */
  java.util.List<String> toArgs() {
    return java.util.List.of("--host", host, "--ports", String.join(",", ports.stream().map(String::valueOf).toList()), "--ws-path", path,
        "--user-prefix", userPrefix, "--first", Integer.toString(first), "--count", Integer.toString(count),
        "--sources", Integer.toString(sources), "--jwt-secret", jwtSecret, "--ping-ms", Long.toString(pingMs),
        "--connect-concurrency", Integer.toString(connectConcurrency),
        "--connect-timeout-ms", Long.toString(connectTimeoutMs));
  }

  static FleetConfig fromAgentArgs(BenchOptions o) {
    return new FleetConfig(o.str("host", "127.0.0.1"), o.list("ports").stream().map(Integer::parseInt).toList(), o.str("ws-path", "/eventbus/websocket"),
        o.str("user-prefix", "u"), o.integer("first", 0), o.integer("count", 0), o.integer("sources", 2),
        o.str("jwt-secret", ""), o.longValue("ping-ms", 5_000), o.integer("connect-concurrency", 200),
        o.longValue("connect-timeout-ms", 15_000));
  }
}
