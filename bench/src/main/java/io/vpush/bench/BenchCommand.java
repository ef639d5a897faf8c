package io.vpush.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load generator's entry ({@code java -jar bench/target/vpush-bench.jar <scenario> [options]}, the main class of
 * its own jar, apart from the server's): starts or attaches to the target, connects the clients (in this process or
 * in child JVMs above {@code --per-process} connections), runs the scenario and writes the report.
 */
public final class BenchCommand {
  private BenchCommand() {}

  static final String USAGE = """
      usage: java -jar bench/target/vpush-bench.jar <idle|unicast|multicast|reconnect|reconnect-js|cluster> [options]
             java -jar bench/target/vpush-bench.jar table DIR    Markdown table of the JSON reports under DIR
        (run from the repository root: the defaults of --jar and --hazelcast-template are relative to it)
        --target bare|vpush|vpush-local|vpush-cluster   server under test (default bare, forked JVM;
                                          cluster: vpush-cluster, 3 forked nodes on a private Redis)
        --in-process                      bare target inside this JVM (smoke tests)
        --url http://127.0.0.1:8080       vpush target; optional --server-pid P[,P2] --extra-pid redis=P,kafka=P
                                          --redis-url redis://.. (commands/msg) --bridge-port (7000)
        --jar target/vpush.jar            vpush-local/cluster; --server-env K=V,.. --server-jvm-args ..
        --store memory|redis              vpush-local engine; redis starts a private redis-server (PATH)
        --durability memory|fsync|replicated  with --store redis: store.durability; fsync runs Redis with
                                          appendfsync always, replicated adds a replica (its CPU counts as Redis's)
        --jwt-secret S --api-key K        credentials (tokens are minted from the secret)
        --clients N (100)                 connections; --per-process 18000, --processes P forces child JVMs
        --sources S                       source addresses 127.0.0.2.. (default 1 per 5,000 connections, min 2)
        --door http|tcp|eventbus|kafka    publish door. tcp: the TCP event-bus bridge (--tcp-connections 4,
                                          pipelined, writes coalesced); eventbus: the same door, since the
                                          bridge IS the event bus for processes outside the cluster;
                                          kafka: --kafka-bootstrap H:P (required; scripts/kafka.sh start),
                                          --kafka-topic (default: a fresh vpush.bench.<ms> per run); the
                                          vpush-local and vpush-cluster targets pass it on to the node
        --rate R[,R2..] (unicast 1000/s; multicast 1 publish/s)   --duration-ms (3000) --drain-ms (10000)
        --warmup-ms W                     unmeasured load first (keeps JIT out of CPU/message), in rounds of
                                          --warmup-round-ms (10000) until the server's compiler threads use at
                                          most --warmup-jit-percent (5) of a core, up to --warmup-max-ms (180000)
        --find-max                        unicast/cluster: raise the rate (--find-start 5000, --find-factor
                                          1.25, --find-steps 12) until p99 >= --p99-ms (50) or delivery lags,
                                          then --find-refine (1) bisections below the rate that missed
        --route-users U (100000)          cluster: heap per user on the dispatch node (0 skips; --route-round)
        --payload-bytes (100) --users-per-publish (2000) --unacked K (20) --hold-ms (2000) --ping-ms (5000)
        --client raw,sdk                  reconnect-js: the reconnect cycle through N clients in one Node process
                                          (clients/js/bench/storm.mjs), plain ws frames (raw) and/or @vpush/client
                                          (sdk), one after the other; --node (PATH) --node-args=--cpu-prof,..
        --out DIR (bench-out)             JSON, text and HTML report files
        --profiler LIB                    async-profiler (libasyncProfiler.so; scripts/profiler.sh) in the server
                                          JVMs over the measured steps: flame graph + collapsed stacks beside the
                                          report, summary in its "profile" (--profiler-event cpu, --profiler-interval 1ms)
      """;

  /** Runs the command; returns the process exit code (0 ok, 1 failed, 2 not implemented, 64 usage). */
  public static int run(String[] args) {
    BenchOptions o = BenchOptions.parse(args);
    List<String> pos = new ArrayList<>(o.positional());
    if (pos.isEmpty() || "help".equals(pos.get(0)) || o.flag("help")) {
      System.out.print(USAGE);
      return pos.isEmpty() && !o.flag("help") ? 64 : 0;
    }
    try {
      QuietLogs.apply();
      if ("agent".equals(pos.get(0))) return FleetAgent.run(o);
      if ("table".equals(pos.get(0))) {
        System.out.print(MarkdownTable.render(Path.of(pos.size() > 1 ? pos.get(1) : o.str("out", "bench-out"))));
        return 0;
      }
      // A fresh topic per run unless one is named: a consumer group that resumed an earlier run's unconsumed
      // backlog (a run that ended before its node caught up) delivered nothing of this run for a whole step.
      if (o.has("kafka-bootstrap") && !o.has("kafka-topic")) {
        o = o.with("kafka-topic", "vpush.bench." + System.currentTimeMillis());
      }
      return runScenario(Scenario.named(pos.get(0)), o);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(USAGE);
      return 64;
    } catch (UnsupportedOperationException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    } catch (Exception | AssertionError e) { // AssertionError: a test-kit fixture (a vpush node) did not start
      System.err.println("bench failed: " + e);
      e.printStackTrace();
      return 1;
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  private static int runScenario(Scenario scenario, BenchOptions o) throws Exception {
    if (scenario instanceof ClusterScenario) {
      String t = o.str("target", "vpush-cluster");
      if (!"vpush-cluster".equals(t)) {
        throw new UnsupportedOperationException("the cluster scenario runs against --target vpush-cluster only, not " + t
            + " (the bare server has no cluster)");
      }
      o = o.with("target", t);
    }
    int clients = o.integer("clients", 100);
    // A fresh user prefix per run, so a durable server's inbox from an earlier run is never replayed into this one.
    String prefix = o.str("user-prefix", "b" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000)) + "u");
    Vertx vertx = Vertx.vertx();
    try (Target target = Target.open(o)) {
      Loopback.require(target.host());
      ServerProfiler profiler = ServerProfiler.of(o, target); // a bad option stops the run before the clients start
      int perProcess = o.integer("per-process", 18_000);
      // A scenario with clients of its own (reconnect-js: Node processes) gets an empty fleet here.
      int fleetClients = scenario.ownClients() ? 0 : clients;
      int processes = scenario.ownClients() ? 0
          : o.integer("processes", clients > perProcess ? (clients + perProcess - 1) / perProcess : 0);
      List<Long> generatorPids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
      Fleet fleet;
      if (processes <= 0) {
        fleet = new LocalFleet(vertx, FleetConfig.from(o, target.host(), target.clientPorts(), prefix, 0, fleetClients));
      } else {
        List<FleetConfig> parts = new ArrayList<>();
        int share = (clients + processes - 1) / processes;
        for (int first = 0; first < clients; first += share) {
          parts.add(FleetConfig.from(o, target.host(), target.clientPorts(), prefix, first, Math.min(share, clients - first)));
        }
        List<String> jvm = o.list("agent-jvm-args").isEmpty() ? List.of("-Xmx1g") : o.list("agent-jvm-args");
        ForkedFleet forked = new ForkedFleet(vertx, parts, jvm);
        generatorPids.addAll(forked.pids());
        fleet = forked;
      }
      ScenarioContext ctx = new ScenarioContext(vertx, o, target, fleet, generatorPids, prefix, clients, profiler);
      JsonObject results;
      Fleet.Result fleetResult;
      try {
        results = scenario.run(ctx);
      } finally {
        ctx.closePublisher();
        fleetResult = fleet.finish().await();
      }
      Path out = Path.of(o.str("out", "bench-out"));
      if (profiler != null) {
        results.put("profile", profiler.stop(out, Report.baseName(scenario.name(), target.name(), results)));
      }
      JsonObject report = Report.build(scenario.name(), o, target, results, fleetResult, Math.max(1, processes));
      Path json = Report.write(out, report);
      System.out.print(Report.summary(report));
      System.out.println("report: " + json.toAbsolutePath());
      return 0;
    } finally {
      vertx.close().await();
    }
  }
}
