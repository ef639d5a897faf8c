package io.vpush;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vpush.cluster.ClusterBootstrap;
import io.vpush.config.ConfigException;
import io.vpush.config.ConfigLoader;
import io.vpush.config.DevSecrets;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.VertxMeters;
import io.vpush.auth.TokenMinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fat jar's main: {@code java -jar vpush.jar [run|gentoken|help] [-conf FILE] [-cluster] [--key=value ...]}.
 * With no arguments it runs a standalone dev node with every role and the memory engine.
 */
public final class VPush {

  /** What {@code vpush bench} answers: the load generator is a build unit and a jar of its own (bench/). */
  static final String BENCH_MOVED = """
      vpush bench: the load generator is a jar of its own, not a command of the server's jar:
        mvn -B -f bench/pom.xml package -DskipTests
        java -jar bench/target/vpush-bench.jar <idle|unicast|multicast|reconnect|cluster> [options]   (from the repository root)
      or scripts/bench.sh for the standard set (docs/benchmarks.md).""";

  private VPush() {}

  public static void main(String[] args) {
    CommandLine cli;
    try {
      cli = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("vpush: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    switch (cli.command()) {
      case "help" -> System.out.print(Help.text());
      case "bench" -> {
        System.err.println(BENCH_MOVED);
        System.exit(2);
      }
      case "gentoken" -> System.exit(genToken(cli));
      case "run" -> run(cli);
      default -> {
        System.err.println("vpush: unknown command '" + cli.command() + "' (see --help)");
        System.exit(2);
      }
    }
  }

  static VPushConfig loadConfig(CommandLine cli) {
    ConfigLoader loader = new ConfigLoader();
    if (cli.confFile() != null) loader.file(cli.confFile());
    return DevSecrets.apply(loader.env(System.getenv()).flags(cli.settings()).load());
  }

  private static int genToken(CommandLine cli) {
    String user = cli.options().get("user");
    if (user == null || user.isBlank()) {
      System.err.println("vpush gentoken: --user <id> is required");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      VPushConfig config = loadConfig(cli);
      long ttl = Durations.seconds(cli.options().getOrDefault("ttl", "24h"));
      System.out.println(TokenMinter.mint(vertx, config, user, ttl, list(cli.options().get("topics")), list(cli.options().get("devices")),
          cli.options().get("kid")));
      return 0;
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("vpush gentoken: " + e.getMessage());
      return 2;
    } finally {
      vertx.close();
    }
  }

  private static void run(CommandLine cli) {
    VPushConfig config;
    try {
      config = loadConfig(cli);
      ConfigLoader.checkForRun(config);
    } catch (ConfigException e) {
      System.err.println("vpush: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.get(Settings.LOG_JSON) || Boolean.getBoolean("vpush.log.json")) System.setProperty("vpush.log.appender", "JSON");
    Logger log = LoggerFactory.getLogger(VPush.class);
    io.vpush.ops.FatalErrors fatal = io.vpush.ops.FatalErrors.halting();
    fatal.installUncaughtHandler();
    if (!io.vpush.ops.FatalErrors.jvmExitsOnOom()) {
      log.warn("the JVM was started without -XX:+ExitOnOutOfMemoryError: an OutOfMemoryError caught inside a library "
          + "would leave the node running half dead (scripts/run.sh sets the flag; see docs/operations.md)");
    }
    java.util.List<String> heap = io.vpush.ops.HeapReturn.apply();
    if (!heap.isEmpty()) log.info("returning freed heap to the OS: {}", String.join(" ", heap));
    // -cluster: join the Hazelcast cluster (conf/cluster.xml) before the node starts; needs store=redis.
    // Vert.x's own HTTP, event-bus and pool meters go to the registry the node serves at /metrics (metrics.enabled).
    VertxMeters meters = VertxMeters.of(config);
    Vertx vertx;
    try {
      vertx = meters.bind(cli.cluster()
          ? ClusterBootstrap.start(meters.apply(new VertxOptions()), config).await(120, TimeUnit.SECONDS)
          : Vertx.vertx(meters.apply(new VertxOptions())));
    } catch (ConfigException e) {
      System.err.println("vpush: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      System.err.println("vpush: could not join the cluster: " + e.getMessage());
      System.exit(1);
      return;
    }
    fatal.watch(vertx);
    VPushNode node;
    try {
      node = VPushNode.start(vertx, config).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("vpush: could not start: " + e.getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    log.info("vpush node {} listening on port {} with roles {} and the {} store", node.nodeId(), node.httpPort(), config.roles(), config.get(Settings.STORE));
    if (config.isDev()) System.out.println(Help.devBanner(config, node.httpPort()));
    installShutdownHook(vertx, node, config.get(Settings.SHUTDOWN_TIMEOUT_MS), log);
  }

  /** SIGTERM/SIGINT: graceful stop within shutdown.timeoutMs, whatever happens, then exit 0 (see GracefulShutdown). */
  private static void installShutdownHook(Vertx vertx, VPushNode node, long timeoutMs, Logger log) {
    io.vpush.ops.GracefulShutdown.install(List.of(node::close, vertx::close), timeoutMs);
  }

  private static List<String> list(String csv) {
    if (csv == null || csv.isBlank()) return List.of();
    return List.of(csv.split(","));
  }

}
