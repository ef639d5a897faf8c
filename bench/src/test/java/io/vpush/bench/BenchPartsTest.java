package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The small pure parts of the tool: the Redis INFO parse and the find-max rows (Hazelcast member files: the test kit's HazelcastFilesTest). */
class BenchPartsTest {

  @Test
  void readsTotalCommandsFromInfoStats() {
    String info = "# Stats\r\ntotal_connections_received:3\r\ntotal_commands_processed:12345\r\ninstantaneous_ops_per_sec:7\r\n";
    assertThat(RedisCommands.parse(info)).hasValue(12345);
    assertThat(RedisCommands.parse("# Stats\r\n")).isEmpty();
  }

  @Test
  void readsCallsPerCommandFromInfoCommandstats() {
    String info = "# Commandstats\r\ncmdstat_evalsha:calls=40,usec=900,usec_per_call=22.50,rejected_calls=0,failed_calls=0\r\n"
        + "cmdstat_ping:calls=3,usec=1,usec_per_call=0.33\r\n";
    assertThat(RedisCommands.parseCommandStats(info)).containsEntry("evalsha", 40L).containsEntry("ping", 3L).hasSize(2);
  }

  @Test
  void aFindMaxRowSaysWhetherItsStepMissed() {
    assertThat(MarkdownTable.findMaxOutcome(new JsonObject())).isEmpty();
    assertThat(MarkdownTable.findMaxOutcome(new JsonObject().put("miss", "p99 60.9 ms >= 50 ms").put("retried", true)))
        .isEqualTo(" (missed, repeated)");
    // The repeat that missed again, or the ladder's last step: the miss that counts.
    assertThat(MarkdownTable.findMaxOutcome(new JsonObject().put("miss", "p99 60.9 ms >= 50 ms"))).isEqualTo(" (missed)");
    // A report written before steps carried their miss.
    assertThat(MarkdownTable.findMaxOutcome(new JsonObject().put("retried", true))).isEqualTo(" (missed, repeated)");
  }

  @Test
  void aReconnectRoundsCpuIsPerReconnectWithTheLoadGeneratorsKernelGcAndJitShares() {
    JsonObject cpu = new JsonObject().put("serverCpuSeconds", 2.0).put("loadgenCpuSeconds", 1.5)
        .put("serverSplit", new JsonObject().put("sysSeconds", 0.5))
        .put("processes", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("role", "server").put("sysSeconds", 0.5).put("gcSeconds", 0.1))
            .add(new JsonObject().put("role", "loadgen").put("sysSeconds", 0.8).put("gcSeconds", 0.3).put("jitSeconds", 0.4)));
    JsonObject per = ReconnectScenario.perReconnect(cpu, 10_000);
    assertThat(per.getDouble("serverCpuMicrosPerMessage")).isCloseTo(200.0, within(1e-9));
    assertThat(per.getDouble("loadgenCpuMicrosPerMessage")).isCloseTo(150.0, within(1e-9));
    assertThat(per.getDouble("loadgenSysMicrosPerMessage")).isCloseTo(80.0, within(1e-9));
    assertThat(per.getDouble("loadgenGcMicrosPerMessage")).isCloseTo(30.0, within(1e-9));
    assertThat(per.getDouble("loadgenJitMicrosPerMessage")).isCloseTo(40.0, within(1e-9));
  }

  @Test
  void reconnectJsTakesEachProcesssMedianOverTheRoundsAndTheSdkOverRawRatio() {
    io.vertx.core.json.JsonArray rounds = new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("loadgenCpuMicrosPerMessage", 300.0).put("serverCpuMicrosPerMessage", 150.0))
        .add(new JsonObject().put("loadgenCpuMicrosPerMessage", 100.0).put("serverCpuMicrosPerMessage", 170.0))
        .add(new JsonObject().put("loadgenCpuMicrosPerMessage", 200.0).put("serverCpuMicrosPerMessage", null));
    JsonObject sdk = new JsonObject().put("perReconnectByRound", rounds);
    assertThat(ReconnectJsScenario.median(java.util.List.of(sdk), "loadgenCpuMicrosPerMessage")).isEqualTo(200.0);
    assertThat(ReconnectJsScenario.median(java.util.List.of(sdk), "serverCpuMicrosPerMessage"))
        .as("a round without the figure is left out").isEqualTo(160.0);
    // A mode run twice (interleaved): its median pools the rounds of both runs.
    JsonObject again = new JsonObject().put("perReconnectByRound", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("loadgenCpuMicrosPerMessage", 400.0)));
    assertThat(ReconnectJsScenario.medians(java.util.List.of(sdk, again)))
        .isEqualTo(new JsonObject().put("clientCpuMicros", 250.0).put("serverCpuMicros", 160.0).put("rounds", 4));
    JsonObject pooled = new JsonObject().put("sdk", new JsonObject().put("clientCpuMicros", 200.0))
        .put("raw", new JsonObject().put("clientCpuMicros", 160.0).put("serverCpuMicros", 0.0));
    assertThat(ReconnectJsScenario.ratio(pooled, "clientCpuMicros")).isCloseTo(1.25, within(1e-9));
    assertThat(ReconnectJsScenario.ratio(pooled, "serverCpuMicros")).isNull();
  }
}
