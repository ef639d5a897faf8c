package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The small pure parts of the tool: the Redis INFO parse, the find-max rows and the private Hazelcast member files. */
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
  void hazelcastFilesHaveAUniqueClusterAndOneFixedPortPerMember() throws Exception {
    List<Path> a = HazelcastFiles.create(Path.of("conf", "cluster.xml"), 3);
    List<Path> b = HazelcastFiles.create(Path.of("conf", "cluster.xml"), 3);
    assertThat(a).hasSize(3);
    String first = Files.readString(a.get(0));
    String name = first.replaceAll("(?s).*<cluster-name>([^<]+)</cluster-name>.*", "$1");
    assertThat(name).startsWith("vpush-bench-").isNotEqualTo("vpush");
    assertThat(Files.readString(b.get(0))).doesNotContain(name);
    assertThat(first).doesNotContain("<member>127.0.0.1:5801</member>").contains("<port auto-increment=\"false\">");
    for (Path p : a) {
      String xml = Files.readString(p);
      String port = xml.replaceAll("(?s).*<port auto-increment=\"false\">(\\d+)</port>.*", "$1");
      // Each member binds its own port, and every member lists all three.
      assertThat(xml).contains("<member>127.0.0.1:" + port + "</member>");
      assertThat(xml.split("<member>", -1)).hasSize(4);
    }
  }
}
