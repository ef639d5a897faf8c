package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's node ({@code java -jar target/vpush.jar}) serves Vert.x's own meters at /metrics beside vpush's. */
class VertxMetersIT {

  @Test
  void theJarServesVertxMetersBesideVpushs() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (VPushProcess node = ProcessTraffic.production().name("vertx-meters").start();
         WsTestClient alice = WsTestClient.connect(vertx, node.port())) {
      alice.register("alice", ProcessTraffic.token(vertx, "alice"), Map.of("clientId", "c1"));
      alice.awaitControl("registered", WAIT);
      ProcessTraffic.publish(node, new JsonObject().put("user", "alice").put("payload", new JsonObject().put("n", 1)));
      alice.awaitMessage(WAIT);

      Scrape s = Scrape.of(node.port());
      assertThat(s.value("vertx_http_server_requests_total", "code", "202")).isEqualTo(1); // the publish
      assertThat(s.value("vertx_http_server_response_time_seconds_count", "code", "202")).isEqualTo(1);
      assertThat(s.value("vertx_eventbus_handlers")).isGreaterThanOrEqualTo(1);
      assertThat(s.value("vertx_pool_in_use", "pool_type", "worker", "pool_name", "vert.x-worker-thread")).isNotNaN();
      assertThat(s.value("vpush_messages_delivered_total")).isEqualTo(1);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
