package io.vpush.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} for a run ({@code --store redis}): found on the PATH, free port, no persistence
 * ({@code --save '' --appendonly no}), stopped with the target. Its pid is measured like the server's.
 */
final class LocalRedis implements AutoCloseable {

  private final int port;
  private final Process process;
  private final Path dir;

  private LocalRedis(int port, Process process, Path dir) {
    this.port = port;
    this.process = process;
    this.dir = dir;
  }

  static LocalRedis start() throws Exception {
    String binary = onPath("redis-server");
    Path dir = Files.createTempDirectory("vpush-bench-redis-");
    int port = FreePorts.free();
    Process p = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
        "--protected-mode", "no", "--logfile", dir.resolve("redis.log").toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    LocalRedis r = new LocalRedis(port, p, dir);
    if (!r.awaitPing(10_000)) {
      r.close();
      throw new IllegalStateException("redis-server did not answer PING within 10 s; log in " + dir);
    }
    return r;
  }

  String url() { return "redis://127.0.0.1:" + port; }

  long pid() { return process.pid(); }

  /** Polls PING: readiness of an external process, with a deadline. */
  private boolean awaitPing(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Vertx vertx = Vertx.vertx();
    try {
      while (System.currentTimeMillis() < deadline && process.isAlive()) {
        try {
          Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url()));
          String pong = client.send(Request.cmd(Command.PING)).map(Object::toString)
              .eventually(() -> { client.close(); return io.vertx.core.Future.succeededFuture(); })
              .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
          if ("PONG".equals(pong)) return true;
        } catch (Exception e) {
          // not listening yet
        }
        Thread.sleep(50);
      }
      return false;
    } finally {
      vertx.close();
    }
  }

  @Override
  public void close() {
    JvmFork.stop(process);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a temp dir: best effort
    }
  }

  static String onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, program);
      if (Files.isExecutable(p)) return p.toString();
    }
    throw new IllegalStateException(program + " is not on the PATH (apt-get install -y redis-server, or scripts/test.sh)");
  }
}
