package io.vpush.bench;

import java.net.URI;
import java.util.List;

/**
 * A vpush server that is already running ({@code --target vpush --url http://127.0.0.1:8080}); optionally
 * {@code --server-pid P} (CPU, RSS, heap), {@code --redis-url U} (commands per message), {@code --bridge-port B}.
 */
final class RemoteTarget implements Target {

  private final URI url;
  private final String apiKey;
  private final List<Long> pids;
  private final BenchOptions o;

  private RemoteTarget(URI url, String apiKey, List<Long> pids, BenchOptions o) {
    this.url = url;
    this.apiKey = apiKey;
    this.pids = pids;
    this.o = o;
  }

  static RemoteTarget of(BenchOptions o) {
    URI url = URI.create(o.str("url", "http://127.0.0.1:8080"));
    Loopback.require(url.getHost());
    return new RemoteTarget(url, o.str("api-key", "bench-api-key"),
        o.list("server-pid").stream().map(Long::parseLong).toList(), o);
  }

  @Override public String name() { return "vpush"; }

  @Override public String host() { return url.getHost(); }

  @Override public int port() { return url.getPort() < 0 ? 80 : url.getPort(); }

  @Override public String apiKey() { return apiKey; }

  @Override public List<Long> serverPids() { return pids; }

  /** {@code --bridge-port} (default 7000, the server's default {@code tcpBridge.port}). */
  @Override public int bridgePort() { return o.integer("bridge-port", 7000); }

  /** {@code --redis-url}, to count Redis commands per message. */
  @Override public String redisUrl() { return o.str("redis-url", null); }

  @Override public boolean replays() { return true; }

  @Override public boolean inProcess() { return false; }

  @Override public void close() { /* not ours to stop */ }
}
