package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** The fat jar with JSON logging: every line is a JSON object, lifecycle lines are there, tokens and payloads never are. */
class JsonLogIT {

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    MetricsTest.await(vertx.close());
  }

  @Test
  void jsonLinesWithLifecycleAndNoSecretsViaConfig() throws Exception {
    // log.json from the configuration (environment), debug level for the lifecycle lines.
    try (VPushProcess node = ProcessTraffic.production().name("jsonlog-env").env("VPUSH_LOG_JSON", "true")
        .jvmArgs("-Dvpush.log.level=DEBUG").start()) {
      String token = traffic(node);
      assertThat(node.sigterm(Duration.ofSeconds(30))).isZero();
      List<JsonObject> lines = jsonLines(node);
      String log = node.log();
      assertThat(log).doesNotContain(token).doesNotContain("PAYLOAD-MARKER-7f3a");
      assertThat(log).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
      assertThat(lines).anySatisfy(l -> assertThat(l.getString("message")).startsWith("register ").contains("user=alice").contains("clientId=c-pc"));
      assertThat(lines).anySatisfy(l -> assertThat(l.getString("message")).startsWith("close ").contains("user=alice").contains("reason=client_close"));
      assertThat(lines).anySatisfy(l -> assertThat(l.getString("message")).startsWith("register rejected"));
      assertThat(lines).allSatisfy(l -> assertThat(l.getString("level")).isNotNull());
    }
  }

  @Test
  void jsonLinesViaSystemProperty() throws Exception {
    try (VPushProcess node = ProcessTraffic.production().name("jsonlog-prop").jvmArgs("-Dvpush.log.json=true").start()) {
      assertThat(node.sigterm(Duration.ofSeconds(30))).isZero();
      List<JsonObject> lines = jsonLines(node);
      assertThat(lines).anySatisfy(l -> assertThat(l.getString("message")).startsWith("vpush node"));
    }
  }

  private String traffic(VPushProcess node) throws Exception {
    String token = ProcessTraffic.token(vertx, "alice");
    WsTestClient alice = WsTestClient.connect(vertx, node.port());
    alice.register("alice", token, Map.of("device", "pc", "clientId", "c-pc"));
    alice.awaitControl("registered", WAIT);
    ProcessTraffic.publish(node, new JsonObject().put("user", "alice").put("payload", new JsonObject().put("secret", "PAYLOAD-MARKER-7f3a")));
    alice.awaitMessage(WAIT);
    // A token for someone else: rejected, and its text must not reach the log either.
    WsTestClient mallory = WsTestClient.connect(vertx, node.port());
    mallory.register("mallory", token, Map.of("device", "pc", "clientId", "c-pc"));
    assertThat(mallory.awaitClose(WAIT)).isEqualTo((short) 4001);
    alice.closeSocket();
    assertThat(alice.awaitClose(WAIT)).isPositive();
    return token;
  }

  private static List<JsonObject> jsonLines(VPushProcess node) {
    return node.log().lines().filter(l -> !l.isBlank()).map(l -> {
      try {
        return new JsonObject(l);
      } catch (DecodeException e) {
        throw new AssertionError("not a JSON line: " + l);
      }
    }).toList();
  }
}
