package io.vpush.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One vpush node forked from the fat jar with a given environment; ready once {@code /health/ready} answers 200. */
final class VpushProcess implements AutoCloseable {

  final int port;
  final Process process;
  final Path log;

  private VpushProcess(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java [jvmArgs] -jar jar [args]} with {@code env}; does not wait (several nodes join together). */
  static VpushProcess launch(Path jar, int port, List<String> jvmArgs, List<String> args, Map<String, String> env)
      throws Exception {
    if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " not found: build it with mvn package first");
    List<String> cmd = new ArrayList<>(List.of(JvmFork.javaBinary(), "-XX:+ExitOnOutOfMemoryError"));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(args);
    Path log = Files.createTempFile("vpush-bench-server", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("VPUSH_HTTP_PORT", Integer.toString(port));
    return new VpushProcess(port, pb.start(), log);
  }

  /** Waits for readiness or fails naming the log (and stops the process). */
  VpushProcess awaitReady(long timeoutMs) throws InterruptedException {
    if (!pollReady(timeoutMs)) {
      close();
      throw new IllegalStateException("vpush did not become ready on port " + port + " within " + timeoutMs / 1000
          + " s; log: " + log);
    }
    return this;
  }

  /** Polls /health/ready: process readiness is the one place a poll with a deadline is the right tool. */
  private boolean pollReady(long timeoutMs) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline && process.isAlive()) {
      try {
        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return true;
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    return false;
  }

  long pid() { return process.pid(); }

  @Override
  public void close() { JvmFork.stop(process); }
}
