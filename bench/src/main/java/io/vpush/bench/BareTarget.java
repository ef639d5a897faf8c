package io.vpush.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vpush.testing.FreePorts;
import io.vpush.testing.ProcessLines;
import io.vpush.testing.Processes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The built-in naive server ({@link BareServer}), in its own JVM or, with {@code --in-process}, in this one. */
final class BareTarget implements Target {

  private final int port;
  private final Process process;
  private final Vertx vertx;

  private BareTarget(int port, Process process, Vertx vertx) {
    this.port = port;
    this.process = process;
    this.vertx = vertx;
  }

  static BareTarget inProcess(BenchOptions o) {
    // Its own Vert.x instance so that the server's event loops are not the clients' event loops.
    Vertx vertx = Vertx.vertx();
    int port = FreePorts.free();
    int instances = o.integer("server-instances", Runtime.getRuntime().availableProcessors());
    vertx.deployVerticle(BareServer.factory(port), new DeploymentOptions().setInstances(instances)).await();
    return new BareTarget(port, null, vertx);
  }

  static BareTarget forked(BenchOptions o) throws Exception {
    List<String> jvm = new ArrayList<>(o.list("server-jvm-args"));
    if (jvm.isEmpty()) jvm.add("-Xmx1g");
    List<String> args = List.of("--port", Integer.toString(FreePorts.free()),
        "--instances", Integer.toString(o.integer("server-instances", Runtime.getRuntime().availableProcessors())));
    Process p = JvmFork.start(jvm, BareServer.class.getName(), args, Map.of(), false);
    int port = ProcessLines.awaitPrefix(p, "LISTENING ", 60_000)
        .map(Integer::parseInt)
        .orElseThrow(() -> {
          Processes.stop(p, JvmFork.STOP_GRACE);
          return new IllegalStateException("the bare server did not start within 60 s");
        });
    return new BareTarget(port, p, null);
  }

  @Override public String name() { return "bare"; }

  @Override public String host() { return "127.0.0.1"; }

  @Override public int port() { return port; }

  @Override public String apiKey() { return "none"; }

  @Override public List<Long> serverPids() {
    return List.of(process != null ? process.pid() : ProcessHandle.current().pid());
  }

  @Override public boolean replays() { return false; }

  @Override public boolean inProcess() { return process == null; }

  @Override
  public void close() {
    if (process != null) Processes.stop(process, JvmFork.STOP_GRACE);
    if (vertx != null) vertx.close().await();
  }
}
