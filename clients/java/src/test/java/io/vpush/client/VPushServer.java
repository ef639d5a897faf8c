package io.vpush.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A real vpush process (the server's target/vpush.jar) on free ports, with a known JWT secret and API key. */
final class VPushServer implements AutoCloseable {
  static final String SECRET = "sdk-java-test-secret-0123456789abcdef";
  static final String API_KEY = "sdk-java-test-key";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final int port;
  final int bridgePort;
  final Path log;
  private final Process process;

  private VPushServer(int port, int bridgePort, Path log, Process process) {
    this.port = port;
    this.bridgePort = bridgePort;
    this.log = log;
    this.process = process;
  }

  /** Starts vpush (memory store) with extra {@code VPUSH_*} settings and waits for /health/ready. */
  static VPushServer start(Map<String, String> env) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path jar = root.resolve("target/vpush.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " missing: build the server first (mvn -B package -DskipTests at the root)");
    }
    int port = freePort();
    int bridgePort = freePort();
    Path log = Files.createDirectories(root.resolve("clients/java/target/vpush-it")).resolve("vpush-" + port + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("VPUSH_")); // vpush refuses unknown VPUSH_* variables
    pb.environment().put("VPUSH_MODE", "production");
    pb.environment().put("VPUSH_STORE", "memory");
    pb.environment().put("VPUSH_HTTP_HOST", "127.0.0.1");
    pb.environment().put("VPUSH_HTTP_PORT", Integer.toString(port));
    pb.environment().put("VPUSH_TCP_BRIDGE_PORT", Integer.toString(bridgePort));
    pb.environment().put("VPUSH_JWT_SECRET", SECRET);
    pb.environment().put("VPUSH_API_KEY", API_KEY);
    pb.environment().putAll(env);
    VPushServer s = new VPushServer(port, bridgePort, log, pb.start());
    s.awaitReady(Duration.ofSeconds(60));
    return s;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/health/ready")).timeout(Duration.ofSeconds(1)).build();
    while (true) {
      if (!process.isAlive()) throw new AssertionError("vpush exited: " + Files.readString(log));
      try {
        if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) throw new AssertionError("vpush not ready: " + Files.readString(log));
      Thread.sleep(50);
    }
  }

  /** DELETE /api/v1/users/{user}/connections: kicks cluster-wide; returns the answer's body. */
  String kick(String user) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(url() + "/api/v1/users/" + user + "/connections"))
        .header("Authorization", "Bearer " + API_KEY).DELETE().build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** An HS256 client token for {@code user}, valid for {@code ttlSeconds} (negative: already expired). */
  static String token(String user, long ttlSeconds) {
    try {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
      long exp = System.currentTimeMillis() / 1000 + ttlSeconds;
      String claims = b64.encodeToString(("{\"sub\":\"" + user + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String sig = b64.encodeToString(mac.doFinal((head + "." + claims).getBytes(StandardCharsets.UTF_8)));
      return head + "." + claims + "." + sig;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
