package io.vpush.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private {@code redis-server} process for tests and for the load generator's {@code --store redis}: own port,
 * own temp dir, no persistence ({@code --save '' --appendonly no}); its pid is there to measure it.
 *
 * <p>It never installs anything: when {@code redis-server} is not on the PATH it fails and says to run
 * {@code scripts/test.sh}, which installs and checks the test services.
 */
public final class RedisServer implements AutoCloseable {

  private static final long START_TIMEOUT_MS = 10_000;

  private final int port;
  private final Path dir;
  private final Process process;
  /** With {@link #startTls}: the context this class's own commands use (trusts the CA, presents the client certificate). */
  private final javax.net.ssl.SSLContext tls;

  private RedisServer(int port, Path dir, Process process, javax.net.ssl.SSLContext tls) {
    this.port = port;
    this.dir = dir;
    this.process = process;
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
        "--logfile", dir.resolve("redis.log").toString(), "--protected-mode", "no"));
    cmd.addAll(extraArgs);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary, e);
    }
    RedisServer server = new RedisServer(port, dir, p, certs == null ? null : certs.clientContext(true));
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    server.awaitPing();
    return server;
  }

  /** Polls PING until the process answers: readiness of an external process, with a deadline. */
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
      try {
        Thread.sleep(20);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(ie);
      }
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
    try (Socket s = tls == null ? new Socket() : tls.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      s.setSoTimeout(3_000);
      OutputStream out = s.getOutputStream();
      StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
      }
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return reply(new BufferedInputStream(s.getInputStream()));
    }
  }

  /** One reply: a simple value, or an array's elements one per line (nested arrays flattened). */
  private static String reply(InputStream in) throws IOException {
    String line = readLine(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+', ':':
        return rest;
      case '-':
        throw new IllegalStateException("redis error: " + rest);
      case '$': {
        int len = Integer.parseInt(rest);
        if (len < 0) return null;
        byte[] buf = in.readNBytes(len + 2);
        return new String(buf, 0, len, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(rest);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
          if (i > 0) all.append('\n');
          all.append(reply(in));
        }
        return all.toString();
      }
      default:
        throw new IllegalStateException("unexpected reply: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read();
        break;
      }
      b.write(c);
    }
    if (c == -1 && b.size() == 0) throw new IOException("connection closed");
    return b.toString(StandardCharsets.UTF_8);
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
