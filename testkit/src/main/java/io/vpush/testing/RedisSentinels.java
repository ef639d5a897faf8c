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
 * Three Redis Sentinels (quorum 2) watching one master, for failover tests: the master is judged down after
 * {@value #DOWN_AFTER_MS} ms without an answer and a replica is promoted; {@link #urls()} is what
 * {@code redis.mode=sentinel} takes as {@code redis.url}.
 */
public final class RedisSentinels implements AutoCloseable {

  /** How long the master may be silent before a sentinel judges it down (Redis's default is 30 s). */
  public static final int DOWN_AFTER_MS = 1_000;
  private static final int FAILOVER_TIMEOUT_MS = 5_000;
  private static final int COUNT = 3;

  private final String masterName;
  private final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  private RedisSentinels(String masterName) {
    this.masterName = masterName;
  }

  /** Starts three sentinels monitoring {@code master} as {@code masterName} and waits until each has seen it. */
  public static RedisSentinels start(RedisServer master, String masterName) {
    RedisSentinels s = new RedisSentinels(masterName);
    try {
      for (int i = 0; i < COUNT; i++) s.launch(master.port());
      for (int port : s.ports) s.awaitMaster(port, master.port(), Duration.ofSeconds(10));
      s.awaitSentinelsKnown(Duration.ofSeconds(15));
      return s;
    } catch (RuntimeException | IOException e) {
      s.close();
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  private void launch(int masterPort) throws IOException {
    Path dir = Files.createTempDirectory("vpush-sentinel-");
    int port = FreePorts.free();
    // A sentinel rewrites its own config file (what it learnt), so each has a writable copy.
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "protected-mode no",
        "daemonize no",
        "dir " + dir,
        "logfile " + dir.resolve("sentinel.log"),
        "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 2",
        "sentinel down-after-milliseconds " + masterName + " " + DOWN_AFTER_MS,
        "sentinel failover-timeout " + masterName + " " + FAILOVER_TIMEOUT_MS,
        "sentinel parallel-syncs " + masterName + " 1",
        ""));
    Process p = new ProcessBuilder(Processes.findOnPath("redis-server"), conf.toString(), "--sentinel")
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    ports.add(port);
    processes.add(p);
    dirs.add(dir);
  }

  /** {@code redis://127.0.0.1:port} of each sentinel. */
  public List<String> urls() {
    return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
  }

  /** The port of the master the first sentinel that answers names now. */
  public int masterPort() {
    for (int port : ports) {
      try {
        String addr = Resp.call(null, port, "SENTINEL", "get-master-addr-by-name", masterName);
        if (addr != null) return Integer.parseInt(addr.split("\n")[1]);
      } catch (IOException | RuntimeException e) {
        // try the next sentinel
      }
    }
    throw new IllegalStateException("no sentinel names a master for " + masterName);
  }

  /** Waits until the sentinels name a master other than {@code oldMasterPort} (the failover is done); returns its port. */
  public int awaitFailover(int oldMasterPort, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        int now = masterPort();
        if (now != oldMasterPort) return now;
      } catch (IllegalStateException notYet) {
        // every sentinel busy or restarting: poll again
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("no failover from port " + oldMasterPort + " within " + timeout + "\n" + logTail(20));
      RedisServer.pollPause();
    }
  }

  private void awaitMaster(int port, int masterPort, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        String addr = Resp.call(null, port, "SENTINEL", "get-master-addr-by-name", masterName);
        if (addr != null && addr.endsWith("\n" + masterPort)) return;
      } catch (IOException | RuntimeException e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("sentinel on " + port + " did not watch " + masterName + " within " + timeout);
      RedisServer.pollPause();
    }
  }

  /** Each sentinel must know the other two before a failover can reach its quorum and be authorised. */
  private void awaitSentinelsKnown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int port : ports) {
      while (true) {
        try {
          String sentinels = Resp.call(null, port, "SENTINEL", "sentinels", masterName);
          if (sentinels != null && sentinels.lines().filter("runid"::equals).count() >= COUNT - 1) break;
        } catch (IOException | RuntimeException e) {
          // not yet
        }
        if (System.nanoTime() > deadline) throw new IllegalStateException("sentinel on " + port + " does not know the others within " + timeout);
        RedisServer.pollPause();
      }
    }
  }

  /** The last lines of each sentinel's log. */
  public String logTail(int lines) {
    StringBuilder b = new StringBuilder();
    for (Path d : dirs) {
      try {
        List<String> all = Files.readAllLines(d.resolve("sentinel.log"));
        b.append("--- ").append(d).append('\n').append(String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()))).append('\n');
      } catch (IOException e) {
        b.append("--- ").append(d).append(": no log\n");
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    for (Process p : processes) Processes.stop(p, Duration.ofSeconds(5));
    for (Path d : dirs) {
      try (Stream<Path> files = Files.walk(d)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException ignored) {
        // best effort: a temp dir
      }
    }
  }
}
