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
 * Keeps the load generator working against vpush itself: each scenario forks the server's target/vpush.jar (built
 * by the server's {@code mvn package} first; {@code vpush-local})
 * with a handful of clients for a second or two, and must deliver its messages and write its report. The unicast run
 * uses the Redis engine and the TCP bridge door; the cluster run forks three clustered nodes (twice: the route-state
 * phase has its own cluster). Timings are never asserted.
 */
// A scenario that stops making progress must fail here, not hold the build until CI's limit.
@Timeout(300)
class BenchVpushSmokeIT {

  @TempDir Path out;

  private JsonObject run(String scenario, String reportName, String... extra) throws Exception {
    return runOn("vpush-local", scenario, reportName, extra);
  }

  private JsonObject runOn(String target, String scenario, String reportName, String... extra) throws Exception {
    // No --jar nor --hazelcast-template: the defaults, target/vpush.jar and conf/cluster.xml, as scripts/bench.sh
    // runs it from the repository root (this IT's working directory, see bench/pom.xml).
    List<String> args = new ArrayList<>(List.of(scenario, "--target", target,
        "--clients", "20", "--duration-ms", "1000", "--drain-ms", "15000", "--hold-ms", "100",
        "--server-jvm-args", "-Xmx256m", "--out", out.toString()));
    args.addAll(List.of(extra));
    assertThat(BenchCommand.run(args.toArray(String[]::new))).isZero();
    Path json = out.resolve(reportName + ".json");
    assertThat(json).exists();
    assertThat(out.resolve(reportName + ".html")).exists();
    return new JsonObject(Files.readString(json));
  }

  @Test
  void idleRegistersEveryClientAndMeasuresTheServer() throws Exception {
    JsonObject r = run("idle", "idle-vpush-local");
    assertThat(r.getJsonObject("results").getLong("connections")).isEqualTo(20);
    assertThat(r.getJsonObject("results").getDouble("rssMB")).isPositive();
    assertThat(r.getJsonObject("clients").getLong("errors")).isZero();
  }

  @Test
  void unicastThroughTheTcpBridgeOnRedisDeliversAndAcksEveryMessage() throws Exception {
    JsonObject r = run("unicast", "unicast-vpush-local-redis-tcp", "--rate", "50", "--door", "tcp",
        "--store", "redis");
    JsonObject step = r.getJsonObject("results").getJsonArray("steps").getJsonObject(0);
    long accepted = step.getJsonObject("publish").getLong("accepted");
    assertThat(accepted).isPositive();
    assertThat(step.getLong("delivered")).isEqualTo(accepted);
    assertThat(step.getLong("acked")).isEqualTo(accepted);
    assertThat(step.getDouble("redisCommandsPerMessage")).isPositive();
    assertThat(step.getJsonObject("cpu").getJsonArray("processes").stream()
        .map(p -> ((JsonObject) p).getString("role"))).contains("server", "redis");
    assertThat(r.getJsonObject("clients").getLong("duplicates")).isZero();
  }

  @Test
  void multicastReachesEveryUser() throws Exception {
    JsonObject r = run("multicast", "multicast-vpush-local", "--rate", "2", "--users-per-publish", "7");
    JsonObject step = r.getJsonObject("results").getJsonArray("steps").getJsonObject(0);
    assertThat(step.getLong("expectedDeliveries")).isPositive();
    assertThat(step.getLong("delivered")).isEqualTo(step.getLong("expectedDeliveries"));
  }

  @Test
  void reconnectCatchesEveryClientUpWithNothingMissing() throws Exception {
    JsonObject r = run("reconnect", "reconnect-vpush-local", "--unacked", "3");
    JsonObject rc = r.getJsonObject("results").getJsonObject("reconnect");
    assertThat(rc.getLong("reconnected")).isEqualTo(20);
    assertThat(rc.getLong("caughtUp")).isEqualTo(20);
    assertThat(rc.getLong("missing")).isZero();
    assertThat(r.getJsonObject("results").getJsonArray("rounds")).as("three measured rounds by default").hasSize(3);
    assertThat(r.getJsonObject("results").getLong("missingInAllRounds")).isZero();
    assertThat(r.getJsonObject("clients").getLong("duplicates")).isZero();
  }

  @Test
  void clusterDeliversAcrossThreeNodesAndMeasuresTheDispatchNodesRouteState() throws Exception {
    JsonObject r = runOn("vpush-cluster", "cluster", "cluster-vpush-cluster-tcp", "--rate", "50", "--door", "tcp",
        "--route-users", "60", "--route-round", "20");
    JsonObject results = r.getJsonObject("results");
    JsonObject step = results.getJsonArray("steps").getJsonObject(0);
    long accepted = step.getJsonObject("publish").getLong("accepted");
    assertThat(accepted).isPositive();
    assertThat(step.getLong("delivered")).isEqualTo(accepted);
    assertThat(step.getLong("acked")).isEqualTo(accepted);
    assertThat(step.getJsonObject("cpu").getJsonArray("processes")).hasSizeGreaterThanOrEqualTo(4); // 3 nodes + Redis
    JsonObject routes = results.getJsonObject("routeState");
    assertThat(routes.getLong("delivered")).isEqualTo(60);
    assertThat(routes.getLong("connectFailed")).isZero();
    assertThat(routes.containsKey("heapBytesPerUser")).isTrue();
    assertThat(r.getJsonObject("clients").getLong("duplicates")).isZero();
  }
}
