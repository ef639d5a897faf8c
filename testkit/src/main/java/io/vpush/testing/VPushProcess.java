package io.vpush.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A vpush server (the fat jar, {@code target/vpush.jar} by default) running in its own JVM, for tests that need a
 * real process (restarts, signals, several nodes) and for the load generator's {@code vpush-local} and
 * {@code vpush-cluster} targets.
 *
 * <p>The jar exists only after {@code package}, so the server's tests using this class are named {@code *IT} and run
 * under Failsafe ({@code mvn verify}). Output goes to {@code target/vpush-it/<name>-<port>.log} unless
 * {@link Builder#logFile(Path)} names another file.
 *
 * <pre>{@code
 * try (VPushProcess node = VPushProcess.builder().env("VPUSH_STORE", "redis").start()) {
 *   URI api = node.uri("/api/v1/messages");
 * }
 * }</pre>
 */
public final class VPushProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** vpush's default {@code tcpBridge.port}. */
  private static final int DEFAULT_BRIDGE_PORT = 7000;

  private final Process process;
  private final int port;
  private final int bridgePort;
  private final Path log;
  /** {@code http} or, with {@link Builder#tls}, {@code https}. */
  private final String scheme;
  private final HttpClient probes;

  private VPushProcess(Process process, int port, int bridgePort, Path log, String scheme, HttpClient probes) {
    this.process = process;
    this.port = port;
    this.bridgePort = bridgePort;
    this.log = log;
    this.scheme = scheme;
    this.probes = probes;
  }

  public static Builder builder() {
    return new Builder();
  }

  public long pid() {
    return process.pid();
  }

  /** The HTTP port (client endpoints, API, ops). */
  public int port() {
    return port;
  }

  /** The TCP event-bus bridge port the process was given ({@link Builder#freeBridgePort()}, the environment, a flag), 7000 by default. */
  public int bridgePort() {
    return bridgePort;
  }

  /** {@code http://127.0.0.1:<port>} ({@code https://} with {@link Builder#tls}): the node's base URL for SDKs and HTTP clients. */
  public String url() {
    return scheme + "://127.0.0.1:" + port;
  }

  /** {@code http://127.0.0.1:<port><path>} ({@code https://} with {@link Builder#tls}). */
  public URI uri(String path) {
    return URI.create(url() + path);
  }

  public Path logFile() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Polls {@code GET /health/live} until it answers 200; fails with the log tail on timeout or if the process exits. */
  public VPushProcess awaitLive(Duration timeout) {
    return awaitHealth("/health/live", "live", timeout);
  }

  /**
   * Polls {@code GET /health/ready} until it answers 200 (the store is reachable, a clustered node has joined); fails
   * with the log tail on timeout or if the process exits.
   */
  public VPushProcess awaitReady(Duration timeout) {
    return awaitHealth("/health/ready", "ready", timeout);
  }

  private VPushProcess awaitHealth(String path, String state, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest probe = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(1)).build();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("vpush exited with " + process.exitValue() + " before it was " + state + "; log " + log
            + ":\n" + logTail(40));
      }
      try {
        if (probes.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return this;
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("vpush not " + state + " within " + timeout.toMillis() + " ms; log " + log + ":\n"
            + logTail(40));
      }
      // Readiness of an external process: poll, but not in a hot loop when the port refuses at once.
      pause(Duration.ofMillis(50));
    }
  }

  /** Sends SIGTERM (graceful shutdown) and waits for the exit code; SIGKILLs and fails after {@code timeout}. */
  public int sigterm(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  /** {@link #sigterm(Duration)} with 30 s. */
  public int sigterm() {
    return sigterm(Duration.ofSeconds(30));
  }

  /** Sends SIGKILL (a crash) and waits until the process is gone. */
  public void kill9() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** Waits for the process to exit on its own and returns the exit code; SIGKILLs and fails after {@code timeout}. */
  public int awaitExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    throw new AssertionError("vpush did not exit within " + timeout.toMillis() + " ms (now killed); log " + log + ":\n" + logTail(40));
  }

  /** The whole log so far (stdout and stderr). */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of the log. */
  public String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** SIGTERM, up to {@code grace} to drain, then SIGKILL; never fails (cleanup after a measurement). */
  public void stop(Duration grace) {
    Processes.stop(process, grace);
  }

  /** Kills the process if it is still running. */
  @Override
  public void close() {
    if (process.isAlive()) kill9();
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Options for one vpush process: environment, flags, JVM options. */
  public static final class Builder {
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private String name = "vpush";
    private String heap = "256m";
    private Path jar;
    private Path logFile;
    private Integer port;
    private Duration startTimeout = Duration.ofSeconds(60);
    private TestCertificates tls;

    private Builder() {}

    /**
     * Serves the HTTP port over TLS with the server certificate of {@code certs} (PEM: VPUSH_TLS_CERT_PATH and
     * VPUSH_TLS_KEY_PATH); {@link #url()} is then https and the health probes trust {@code certs}' CA and present its
     * client certificate (so they pass when the node requires one).
     */
    public Builder tls(TestCertificates certs) {
      tls = certs;
      env.put("VPUSH_TLS_CERT_PATH", certs.serverCert().toString());
      env.put("VPUSH_TLS_KEY_PATH", certs.serverKey().toString());
      return this;
    }

    /** Sets an environment variable, e.g. {@code VPUSH_STORE=redis}. */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    /** Adds command-line arguments after {@code -jar vpush.jar}. */
    public Builder args(String... values) {
      args.addAll(List.of(values));
      return this;
    }

    /** Adds JVM options before {@code -jar}, e.g. {@code -Dfoo=bar}. */
    public Builder jvmArgs(String... values) {
      jvmArgs.addAll(List.of(values));
      return this;
    }

    /** {@code -Xmx} value; 256m by default; null leaves the heap to the JVM (and to {@link #jvmArgs}). */
    public Builder heap(String value) {
      heap = value;
      return this;
    }

    /** The fat jar to run; {@code target/vpush.jar} under the working directory by default. */
    public Builder jar(Path value) {
      jar = value;
      return this;
    }

    /** The file the process writes to (replaced, not appended to); {@code target/vpush-it/<name>-<port>.log} by default. */
    public Builder logFile(Path value) {
      logFile = value;
      return this;
    }

    /** The HTTP port; a free one by default. Fix it to restart a node on the same port. */
    public Builder port(int value) {
      port = value;
      return this;
    }

    /** Gives the TCP bridge a free port (VPUSH_TCP_BRIDGE_PORT) instead of 7000, so several nodes can run at once. */
    public Builder freeBridgePort() {
      env.put("VPUSH_TCP_BRIDGE_PORT", Integer.toString(FreePorts.free()));
      return this;
    }

    /** Names the log file (e.g. {@code node1}). */
    public Builder name(String value) {
      name = value;
      return this;
    }

    /** How long {@link #start()} waits for {@code /health/live}; 60 s by default. */
    public Builder startTimeout(Duration value) {
      startTimeout = value;
      return this;
    }

    /** Launches the process and waits until it is live. */
    public VPushProcess start() {
      VPushProcess p = launch();
      try {
        return p.awaitLive(startTimeout);
      } catch (AssertionError e) {
        p.close();
        throw e;
      }
    }

    /** Launches the process without waiting (several nodes that join each other; a bad configuration that must exit). */
    public VPushProcess launch() {
      Path root = Path.of("").toAbsolutePath();
      Path jarFile = jar != null ? jar.toAbsolutePath() : root.resolve("target/vpush.jar");
      if (!Files.isRegularFile(jarFile)) {
        throw new IllegalStateException(jarFile + " missing: build the server first (mvn -B package -DskipTests at the "
            + "repository root); the server's tests launching it are *IT classes, run by `mvn verify` after `package`");
      }
      int httpPort = httpPort();
      List<String> cmd = new ArrayList<>(List.of(Processes.javaBinary()));
      if (heap != null) cmd.add("-Xmx" + heap);
      cmd.add("-XX:+ExitOnOutOfMemoryError");
      cmd.addAll(jvmArgs);
      cmd.addAll(List.of("-jar", jarFile.toString()));
      cmd.addAll(args);
      try {
        ProcessBuilder.Redirect out;
        Path log;
        if (logFile != null) {
          log = logFile;
          out = ProcessBuilder.Redirect.to(log.toFile());
        } else {
          log = Files.createDirectories(root.resolve("target/vpush-it")).resolve(name + "-" + httpPort + ".log");
          out = ProcessBuilder.Redirect.appendTo(log.toFile());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out);
        // vpush rejects unknown VPUSH_* variables: never pass on whatever this JVM happened to inherit.
        pb.environment().keySet().removeIf(k -> k.startsWith("VPUSH_"));
        pb.environment().put("VPUSH_HTTP_HOST", "127.0.0.1");
        pb.environment().put("VPUSH_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().putAll(env);
        HttpClient probes = tls == null ? HTTP
            : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).sslContext(tls.clientContext(true)).build();
        return new VPushProcess(pb.start(), httpPort, bridgePort(), log, tls == null ? "http" : "https", probes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    // The bridge port the process will listen on: a --tcpBridge.port flag, else VPUSH_TCP_BRIDGE_PORT, else 7000.
    private int bridgePort() {
      for (String a : args) {
        if (a.startsWith("--tcpBridge.port=")) return Integer.parseInt(a.substring("--tcpBridge.port=".length()));
      }
      String v = env.get("VPUSH_TCP_BRIDGE_PORT");
      return v != null ? Integer.parseInt(v) : DEFAULT_BRIDGE_PORT;
    }

    // The port the process will listen on: port(..), else a --http.port flag or VPUSH_HTTP_PORT given here, else a free one.
    private int httpPort() {
      if (port != null) return port;
      for (String a : args) {
        if (a.startsWith("--http.port=")) return Integer.parseInt(a.substring("--http.port=".length()));
      }
      if (env.containsKey("VPUSH_HTTP_PORT")) return Integer.parseInt(env.get("VPUSH_HTTP_PORT"));
      return FreePorts.free();
    }
  }
}
