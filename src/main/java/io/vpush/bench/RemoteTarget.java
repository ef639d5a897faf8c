package io.vpush.bench;

import java.net.URI;
import java.util.List;

/** A vpush server that is already running ({@code --target vpush --url http://127.0.0.1:8080 --server-pid P}). */
final class RemoteTarget implements Target {

  private final URI url;
  private final String apiKey;
  private final List<Long> pids;

  private RemoteTarget(URI url, String apiKey, List<Long> pids) {
    this.url = url;
    this.apiKey = apiKey;
    this.pids = pids;
  }

  static RemoteTarget of(BenchOptions o) {
    URI url = URI.create(o.str("url", "http://127.0.0.1:8080"));
    Loopback.require(url.getHost());
    return new RemoteTarget(url, o.str("api-key", "bench-api-key"),
        o.list("server-pid").stream().map(Long::parseLong).toList());
  }

  @Override public String name() { return "vpush"; }

  @Override public String host() { return url.getHost(); }

  @Override public int port() { return url.getPort() < 0 ? 80 : url.getPort(); }

  @Override public String apiKey() { return apiKey; }

  @Override public List<Long> serverPids() { return pids; }

  @Override public boolean replays() { return true; }

  @Override public boolean inProcess() { return false; }

  @Override public void close() { /* not ours to stop */ }
}
