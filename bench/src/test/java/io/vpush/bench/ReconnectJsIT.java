package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * reconnect-js against a forked vpush-local node with 50 Node clients per mode: both the raw-frame clients and the
 * SDK's catch every client up with nothing missing, seen twice or in error, and both report the Node process's and the
 * server's CPU per reconnect (never asserted as timings). Needs node and clients/js's packages (npm ci, run here when
 * they are missing: scripts/test.sh installs them only after the Maven units).
 */
@Timeout(300)
class ReconnectJsIT {

  @TempDir Path out;

  @BeforeAll
  static void jsPackages() throws Exception {
    Path js = Path.of("clients/js");
    if (Files.isDirectory(js.resolve("node_modules/ws"))) return;
    Process npm = new ProcessBuilder(Processes.findOnPath("npm"), "ci", "--no-audit", "--no-fund").directory(js.toFile())
        .inheritIO().start();
    assertThat(npm.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(npm.exitValue()).as("npm ci in clients/js").isZero();
  }

  @Test
  void bothClientModesCatchEveryClientUpAndReportTheirCpuPerReconnect() throws Exception {
    // raw twice: a mode that comes back gets users of its own (the second raw run found the first one's inboxes).
    int code = BenchCommand.run(new String[] {"reconnect-js", "--target", "vpush-local", "--clients", "50",
        "--client", "raw,sdk,raw", "--unacked", "3", "--rounds", "2", "--server-jvm-args", "-Xmx256m",
        "--quiet-max-ms", "0", "--out", out.toString()});
    assertThat(code).isZero();
    JsonObject results = new JsonObject(Files.readString(out.resolve("reconnect-js-vpush-local.json")))
        .getJsonObject("results");
    for (String mode : new String[] {"raw", "sdk", "raw-2"}) {
      JsonObject m = results.getJsonObject(mode);
      assertThat(m).as(mode).isNotNull();
      assertThat(m.getJsonObject("reconnect").getLong("reconnected")).as(mode).isEqualTo(50);
      assertThat(m.getJsonObject("reconnect").getLong("caughtUp")).as(mode).isEqualTo(50);
      assertThat(m.getLong("missingInAllRounds")).as(mode + ": missing in any round").isZero();
      assertThat(m.getBoolean("allUnackedReceivedInAllRounds")).as(mode).isTrue();
      JsonObject clients = m.getJsonObject("clients");
      assertThat(clients.getLong("duplicates")).as(mode).isZero();
      assertThat(clients.getLong("errFrames")).as(mode).isZero();
      assertThat(clients.getLong("closedUnexpectedly")).as(mode).isZero();
      // 3 unacked per client in each of the 2 rounds arrived live (the catch-ups are not counted as deliveries).
      assertThat(clients.getLong("delivered")).as(mode).isEqualTo(50 * 3 * 2);
      JsonObject med = m.getJsonObject("medianPerReconnect");
      assertThat(med.getDouble("clientCpuMicros")).as(mode + ": the Node process's CPU").isNotNull();
      assertThat(med.getDouble("serverCpuMicros")).as(mode + ": the server's CPU").isNotNull();
      // The load generator measured is the Node process alone, and it is not split like a JVM's threads.
      JsonObject loadgen = m.getJsonObject("cpu").getJsonArray("processes").stream().map(JsonObject.class::cast)
          .filter(p -> "loadgen".equals(p.getString("role"))).findFirst().orElseThrow();
      assertThat(loadgen.containsKey("gcSeconds")).as(mode).isFalse();
    }
    assertThat(results.getJsonObject("sdkOverRaw").getDouble("clientCpuTarget")).isEqualTo(1.5);
    assertThat(results.getJsonObject("medianPerReconnect").getJsonObject("raw").getInteger("rounds"))
        .as("raw's two runs pooled").isEqualTo(4);
    // The table renders a row per run and the ratio row.
    assertThat(MarkdownTable.render(out)).contains("reconnect-js (raw-2)").contains("sdk / raw: client CPU");
  }
}
