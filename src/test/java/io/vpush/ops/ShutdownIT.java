package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM on the fat jar: every client is told to reconnect (jittered within the window), closed with 1012, and the exit code is 0. */
class ShutdownIT {

  private static final int WINDOW_MS = 4_000;
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
  void sigtermTellsClientsToReconnectAndExitsZero() throws Exception {
    try (VPushProcess node = ProcessTraffic.production().name("shutdown")
        .env("VPUSH_SHUTDOWN_RECONNECT_WINDOW_MS", String.valueOf(WINDOW_MS)).start()) {
      List<WsTestClient> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        WsTestClient c = WsTestClient.connect(vertx, node.port());
        c.register("u" + i, ProcessTraffic.token(vertx, "u" + i), Map.of("device", "pc", "clientId", "c-pc"));
        c.awaitControl("registered", WAIT);
        clients.add(c);
      }

      int exit = node.sigterm(Duration.ofSeconds(30));

      assertThat(exit).as(node.logTail(30)).isZero();
      for (WsTestClient c : clients) {
        JsonObject reconnect = c.awaitControl("reconnect", WAIT);
        assertThat(reconnect.getJsonObject("body").getLong("afterMs")).isBetween(0L, (long) WINDOW_MS - 1);
        assertThat(c.awaitClose(WAIT)).isEqualTo((short) 1012);
      }
      assertThat(node.log()).contains("vpush stopped in");
    }
  }
}
