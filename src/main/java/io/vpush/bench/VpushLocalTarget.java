package io.vpush.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A vpush node forked from {@code target/vpush.jar} ({@code --jar} to override) with a free port and the bench's
 * JWT secret and API key, so a run is reproducible from one command. Extra env: {@code --server-env K=V,K2=V2}.
 */
final class VpushLocalTarget implements Target {

  private final int port;
  private final String apiKey;
  private final Process process;

  private VpushLocalTarget(int port, String apiKey, Process process) {
    this.port = port;
    this.apiKey = apiKey;
    this.process = process;
  }

  static VpushLocalTarget start(BenchOptions o) throws Exception {
    Path jar = Path.of(o.str("jar", "target/vpush.jar"));
    if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " not found: build it with mvn package first");
    int port = BareServer.freePort();
    String apiKey = o.str("api-key", "bench-api-key");
    Map<String, String> env = new HashMap<>(Map.of("VPUSH_HTTP_PORT", Integer.toString(port),
        "VPUSH_JWT_SECRET", o.str("jwt-secret", "bench-secret-bench-secret-bench-secret"),
        "VPUSH_API_KEY", apiKey, "VPUSH_MODE", "dev"));
    for (String kv : o.list("server-env")) {
      int eq = kv.indexOf('=');
      env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    List<String> cmd = new ArrayList<>(List.of(JvmFork.javaBinary()));
    cmd.addAll(o.list("server-jvm-args"));
    cmd.addAll(List.of("-jar", jar.toString()));
    Path log = Files.createTempFile("vpush-bench-server", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!awaitReady(port, p, 60_000)) {
      JvmFork.stop(p);
      throw new IllegalStateException("vpush did not become ready on port " + port + " within 60 s; log: " + log);
    }
    return new VpushLocalTarget(port, apiKey, p);
  }

  /** Polls /health/ready: process readiness is the one place a poll with a deadline is the right tool. */
  private static boolean awaitReady(int port, Process p, long timeoutMs) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline && p.isAlive()) {
      try {
        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return true;
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Override public String name() { return "vpush-local"; }

  @Override public String host() { return "127.0.0.1"; }

  @Override public int port() { return port; }

  @Override public String apiKey() { return apiKey; }

  @Override public List<Long> serverPids() { return List.of(process.pid()); }

  @Override public boolean replays() { return true; }

  @Override public boolean inProcess() { return false; }

  @Override public void close() { JvmFork.stop(process); }
}
