package io.vpush.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private {@code redis-server} process for tests and for the load generator's {@code --store redis}: own port,
 * own temp dir, no persistence ({@code --save '' --appendonly no}) unless started {@link #startAof with AOF}; it can
 * be a {@link #startReplicaOf replica}, be frozen, killed and restarted on the same port and files; its pid is there to
 * measure it.
 *
 * <p>It never installs anything: when {@code redis-server} is not on the PATH it fails and says to run
 * {@code scripts/test.sh}, which installs and checks the test services.
 */
public final class RedisServer implements AutoCloseable {

  private static final long START_TIMEOUT_MS = 10_000;

  private final int port;
  private final Path dir;
  private final List<String> command;
  private volatile Process process;
  /** With {@link #startTls}: the context this class's own commands use (trusts the CA, presents the client certificate). */
  private final javax.net.ssl.SSLContext tls;

  private RedisServer(int port, Path dir, List<String> command, javax.net.ssl.SSLContext tls) {
    this.port = port;
    this.dir = dir;
    this.command = List.copyOf(command);
    this.tls = tls;
  }

  /** Starts a standalone server on a free port and waits until it answers PING; the caller must {@link #close()} it. */
  public static RedisServer start() {
    return start(List.of());
  }

  /** Starts a server with extra {@code redis-server} arguments (e.g. cluster mode) and waits for PING. */
  public static RedisServer start(List<String> extraArgs) {
    return start(extraArgs, null);
  }

  /**
   * Starts a server that appends every write to its AOF and fsyncs it before answering ({@code appendonly yes},
   * {@code appendfsync always}): what {@code store.durability=fsync} requires; {@link #kill} then {@link #restart}
   * loses nothing it acknowledged.
   */
  public static RedisServer startAof() {
    return start(List.of("--appendonly", "yes", "--appendfsync", "always"));
  }

  /** Starts a replica of the server listening on {@code masterPort} (a proxy's port, to lag or cut replication). */
  public static RedisServer startReplicaOf(int masterPort) {
    return start(List.of("--replicaof", "127.0.0.1", String.valueOf(masterPort)));
  }

  /**
   * Starts a server that speaks TLS only ({@code --port 0 --tls-port P}) with the server certificate of {@code certs};
   * when {@code requireClientCert}, clients must present a certificate signed by its CA (Redis's default,
   * {@code tls-auth-clients yes}), else it is optional. {@link #url()} is then {@code rediss://127.0.0.1:P}.
   */
  public static RedisServer startTls(TestCertificates certs, boolean requireClientCert) {
    return start(List.of("--port", "0", "--tls-cert-file", certs.serverCert().toString(),
        "--tls-key-file", certs.serverKey().toString(), "--tls-ca-cert-file", certs.caCert().toString(),
        "--tls-auth-clients", requireClientCert ? "yes" : "optional"), certs);
  }

  private static RedisServer start(List<String> extraArgs, TestCertificates certs) {
    String binary = Processes.findOnPath("redis-server");
    Path dir;
    try {
      dir = Files.createTempDirectory("vpush-redis-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temp dir for redis-server", e);
    }
    int port = FreePorts.freeWithCompanion(10_000); // the cluster bus listens on port + 10000
    List<String> cmd = new ArrayList<>(List.of(binary, certs == null ? "--port" : "--tls-port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
        "--logfile", dir.resolve("redis.log").toString(), "--protected-mode", "no",
        // A replica's first sync starts at once instead of after Redis's default 5 s wait for more replicas.
        "--repl-diskless-sync-delay", "0"));
    cmd.addAll(extraArgs);
    RedisServer server = new RedisServer(port, dir, cmd, certs == null ? null : certs.clientContext(true));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.process.destroyForcibly()));
    server.launch();
    return server;
  }

  private void launch() {
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
          ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command.get(0), e);
    }
    awaitPing();
  }

  /** Polls PING until the process answers (a restart from its AOF answers LOADING until it has read it). */
  private void awaitPing() {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (true) {
      try {
        if ("PONG".equals(call("PING"))) return;
      } catch (IOException | IllegalStateException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; log in " + dir);
        }
        if (System.currentTimeMillis() > deadline) {
          stop();
          throw new IllegalStateException("redis-server on port " + port + " did not answer PING in " + START_TIMEOUT_MS + " ms", e);
        }
      }
      pollPause();
    }
  }

  /** The pause between two polls of an external process's state (there is no event to wait on). */
  static void pollPause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ie);
    }
  }

  public int port() { return port; }

  public String url() { return (tls == null ? "redis" : "rediss") + "://127.0.0.1:" + port; }

  public long pid() { return process.pid(); }

  public Path dir() { return dir; }

  /** Freezes the process (SIGSTOP): an outage without data loss. */
  public void pause() {
    signal("-STOP");
  }

  /** Thaws a paused process (SIGCONT). */
  public void resume() {
    signal("-CONT");
  }

  /** Kills the process (SIGKILL, no chance to write anything more) and waits until it is gone; its files stay. */
  public void kill() {
    Process p = process;
    p.destroyForcibly();
    try {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("redis-server " + p.pid() + " survived SIGKILL");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts the server again after {@link #kill} with the same port, arguments and files (it reloads its AOF). */
  public void restart() {
    if (process.isAlive()) throw new IllegalStateException("redis-server on port " + port + " is still running");
    launch();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code INFO section} as text. */
  public String info(String section) {
    try {
      return call("INFO", section);
    } catch (IOException e) {
      throw new IllegalStateException("INFO " + section + " of " + url() + " failed", e);
    }
  }

  /**
   * Waits until {@code n} replicas are connected and in sync ({@code state=online}), so what the master acknowledges
   * from now on can reach them.
   */
  public void awaitConnectedReplicas(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String info = info("replication");
      long online = info.lines().filter(l -> l.startsWith("slave") && l.contains("state=online")).count();
      if (online >= n) return;
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(n + " replicas not online on " + url() + " within " + timeout + ":\n" + info);
      }
      pollPause();
    }
  }

  /** The last {@code lines} lines of the server's log, for a failure message. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve("redis.log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Deletes every key and cached script. */
  public void flush() {
    try {
      call("FLUSHALL");
      call("SCRIPT", "FLUSH");
    } catch (IOException e) {
      throw new IllegalStateException("flush of " + url() + " failed", e);
    }
  }

  /** Stops the process and removes its directory. */
  public void stop() {
    if (process.isAlive()) {
      resume(); // a paused server would not act on SIGTERM
      Processes.stop(process, Duration.ofSeconds(5));
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // best effort: it is a temp dir
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Sends one command over a fresh socket and returns a simple, integer or bulk string reply.
   *
   * @throws IllegalStateException on an error reply
   */
  public String call(String... args) throws IOException {
    return Resp.call(tls, port, args);
  }

  private void signal(String sig) {
    try {
      Process k = new ProcessBuilder("kill", sig, String.valueOf(process.pid())).inheritIO().start();
      if (k.waitFor() != 0) throw new IllegalStateException("kill " + sig + " " + process.pid() + " failed");
    } catch (IOException e) {
      throw new IllegalStateException("kill " + sig + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
