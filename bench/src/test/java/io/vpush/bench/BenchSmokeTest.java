package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the load generator working: each scenario runs against the bare target with a handful of clients for about a
 * second, and must deliver its messages and write its report. Timings are never asserted.
 */
// A scenario that stops making progress must fail here, not hold the build until CI's limit.
@Timeout(180)
class BenchSmokeTest {

  @TempDir Path out;

  private JsonObject run(String scenario, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(scenario, "--target", "bare", "--clients", "20",
        "--duration-ms", "1000", "--drain-ms", "10000", "--hold-ms", "100", "--out", out.toString()));
    if (!List.of(extra).contains("--forked-target")) args.add("--in-process");
    for (String e : extra) if (!e.equals("--forked-target")) args.add(e);
    assertThat(BenchCommand.run(args.toArray(String[]::new))).isZero();
    Path json = out.resolve(scenario + "-bare.json");
    assertThat(json).exists();
    assertThat(out.resolve(scenario + "-bare.html")).exists();
    return new JsonObject(Files.readString(json));
  }

  @Test
  void idleConnectsEveryClient() throws Exception {
    JsonObject r = run("idle");
    assertThat(r.getJsonObject("results").getLong("connections")).isEqualTo(20);
    assertThat(r.getJsonObject("clients").getLong("errors")).isZero();
  }

  @Test
  void unicastDeliversAndAcksEveryAcceptedMessage() throws Exception {
    JsonObject r = run("unicast", "--rate", "100");
    JsonObject step = r.getJsonObject("results").getJsonArray("steps").getJsonObject(0);
    long accepted = step.getJsonObject("publish").getLong("accepted");
    assertThat(accepted).isPositive();
    assertThat(step.getLong("delivered")).isEqualTo(accepted);
    assertThat(step.getLong("acked")).isEqualTo(accepted);
    assertThat(r.getJsonObject("latency").getLong("count")).isEqualTo(accepted);
    assertThat(r.getJsonArray("timeline")).isNotEmpty();
  }

  @Test
  void unicastWithClientsInChildProcesses() throws Exception {
    JsonObject r = run("unicast", "--rate", "100", "--processes", "2", "--agent-jvm-args", "-Xmx128m");
    JsonObject step = r.getJsonObject("results").getJsonArray("steps").getJsonObject(0);
    assertThat(r.getJsonObject("machine").getInteger("loadGeneratorProcesses")).isEqualTo(2);
    assertThat(r.getJsonObject("clients").getLong("registered")).isEqualTo(20);
    assertThat(step.getLong("delivered")).isEqualTo(step.getJsonObject("publish").getLong("accepted")).isPositive();
    assertThat(r.getJsonObject("latency").getLong("count")).isEqualTo(step.getLong("delivered"));
  }

  @Test
  void multicastReachesEveryUserAgainstAForkedServer() throws Exception {
    JsonObject r = run("multicast", "--forked-target", "--rate", "2", "--users-per-publish", "7");
    JsonObject step = r.getJsonObject("results").getJsonArray("steps").getJsonObject(0);
    assertThat(step.getLong("expectedDeliveries")).isPositive();
    assertThat(step.getLong("delivered")).isEqualTo(step.getLong("expectedDeliveries"));
    assertThat(step.getInteger("requestsPerPublish")).isEqualTo(3);
  }

  @Test
  void reconnectBringsEveryClientBack() throws Exception {
    JsonObject r = run("reconnect", "--unacked", "3", "--rounds", "2");
    JsonObject res = r.getJsonObject("results");
    assertThat(res.getBoolean("allUnackedReceivedInAllRounds")).isTrue();
    assertThat(res.getJsonObject("reconnect").getLong("reconnected")).isEqualTo(20);
    assertThat(res.getJsonArray("rounds")).as("one rate per measured round").hasSize(2);
    assertThat(r.getJsonObject("clients").getLong("delivered")).as("3 messages per client and round").isEqualTo(120);
    assertThat(res.getJsonArray("perReconnectByRound")).as("CPU per reconnect of every measured round").hasSize(2);
    // 20 reconnects can take less CPU than /proc's 10 ms tick: the figures are there, not necessarily above zero.
    assertThat(res.getJsonArray("perReconnectByRound").getJsonObject(1).fieldNames())
        .contains("loadgenCpuMicrosPerMessage", "reconnectsPerSecond");
    assertThat(MarkdownTable.render(out)).as("the table names every round's rate and the load generator's CPU")
        .containsPattern("reconnects/s, caught up in .* ms, missing 0, per reconnect: .*load generator [0-9.]+ µs"
            + " \\(median of 2 rounds: [0-9]+, [0-9]+\\)");
    assertThat(r.getJsonObject("clients").getLong("errors")).isZero();
  }

  @Test
  void profilerRecordsTheForkedServerAndSummarisesIt() throws Exception {
    // itimer, not the default cpu event: it needs no perf_events, which a CI container may not allow.
    JsonObject r = run("unicast", "--forked-target", "--rate", "500", "--duration-ms", "2000",
        "--profiler", asyncProfilerLibrary().toString(), "--profiler-event", "itimer");
    JsonObject profile = r.getJsonObject("results").getJsonObject("profile");
    assertThat(profile.getInteger("windows")).as("sampled over the one measured step only").isEqualTo(1);
    JsonObject jvm = profile.getJsonArray("jvms").getJsonObject(0);
    assertThat(jvm.containsKey("error")).as(jvm.encode()).isFalse();
    assertThat(jvm.getLong("pid")).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(jvm.getLong("samples")).isPositive();
    assertThat(out.resolve(jvm.getString("html"))).content().contains("<html");
    assertThat(Files.readAllLines(out.resolve(jvm.getString("collapsed")))).isNotEmpty()
        .allMatch(line -> line.matches(".+ [0-9]+"));
    assertThat(out.resolve("unicast-bare.txt")).content().contains("profile pid " + jvm.getLong("pid"));
  }

  @Test
  void profilerRefusesALibraryThatIsNotThere() {
    assertThat(BenchCommand.run(new String[] {"idle", "--target", "bare", "--in-process", "--clients", "1",
        "--profiler", out.resolve("missing.so").toString(), "--out", out.toString()})).isEqualTo(64);
  }

  /** async-profiler's library for this machine, out of its Maven jar (a test dependency). */
  private Path asyncProfilerLibrary() throws Exception {
    String arch = System.getProperty("os.arch").contains("aarch64") ? "linux-arm64" : "linux-x64";
    Path lib = out.resolve("libasyncProfiler.so");
    try (var in = getClass().getClassLoader().getResourceAsStream(arch + "/libasyncProfiler.so")) {
      assertThat(in).as("async-profiler's jar on the test class path").isNotNull();
      Files.copy(in, lib);
    }
    return lib;
  }

  @Test
  void clusterRefusesTheBareTarget() {
    assertThat(BenchCommand.run(new String[] {"cluster", "--target", "bare", "--out", out.toString()})).isEqualTo(2);
  }
}
