package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vpush.cluster.ClusterBootstrap;
import io.vpush.cluster.TestClusterConfig;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;
import io.vpush.metrics.VertxMeters;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vert.x's own meters (vertx-micrometer-metrics) on a real node whose Vertx is built as the launcher builds it: they
 * are served at /metrics beside vpush's, their labels stay bounded whatever paths and methods clients send, and
 * {@code metrics.enabled=false} leaves the Vertx without metrics and the node without /metrics.
 */
class VertxMetersTest {

  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+$");
  private static final Pattern LABEL_NAME = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  @Test
  void vertxMetersAreServedAtMetricsWithBoundedLabels() throws Exception {
    try (TestNode node = TestNode.start()) {
      assertThat(node.vertx().isMetricsEnabled()).isTrue();
      // Two raw WebSocket clients on the node's own Vertx: its client side makes a pool named by the server address.
      try (WsTestClient a = node.connect(); WsTestClient b = node.connect()) {
        Scrape.await(node.port(), m -> m.value("vpush_connects_total") == 2);
      }
      // Hostile traffic: every request a new path and a new method token. Neither becomes a label value.
      for (int i = 0; i < 20; i++) WsTestClient.await(node.request(HttpMethod.valueOf("M" + i), "/no/such/" + i + "?q=" + i, null, null));
      Scrape s = Scrape.of(node.port());

      assertThat(s.value("vertx_http_server_requests_total", "code", "200")).isGreaterThanOrEqualTo(1); // the scrapes
      assertThat(s.value("vertx_http_server_response_time_seconds_count")).isGreaterThanOrEqualTo(21);
      assertThat(s.value("vertx_eventbus_handlers")).isGreaterThanOrEqualTo(1); // the purge role's publish door
      assertThat(s.value("vertx_pool_queue_pending", "pool_type", "worker", "pool_name", "vert.x-worker-thread")).isNotNaN();
      assertThat(s.value("vpush_connects_total")).isEqualTo(2); // vpush's meters on the same registry
      // Left out: client pools (named by peer address) and the open-connection gauges that raw WebSockets would
      // only ever raise (their connections leave Vert.x at the upgrade).
      assertThat(s.text).doesNotContain("pool_type=\"ws\"");
      assertThat(s.value("vertx_http_server_active_connections")).isNaN();
      assertThat(s.value("vertx_http_server_active_requests")).isNaN();

      Set<String> labelsSeen = new HashSet<>();
      Set<String> requestSeries = new HashSet<>();
      for (String line : s.text.split("\n")) {
        Matcher m = SERIES.matcher(line.trim());
        if (line.startsWith("#") || !m.matches() || !m.group(1).startsWith("vertx_")) continue;
        if (m.group(2) != null) {
          Matcher l = LABEL_NAME.matcher(m.group(2));
          while (l.find()) labelsSeen.add(l.group(1));
        }
        if (m.group(1).equals("vertx_http_server_requests_total")) requestSeries.add(String.valueOf(m.group(2)));
      }
      assertThat(labelsSeen).isSubsetOf("code", "pool_type", "pool_name", "side");
      assertThat(requestSeries).as("one series per status code, not per path or method: %s", requestSeries).hasSizeLessThanOrEqualTo(4);
    }
  }

  @Test
  void aClusteredVertxBuiltFromTheOptionsReportsToTheNodesRegistry() throws Exception {
    // As the launcher builds a -cluster node: ClusterBootstrap builds the Vertx from the options alone.
    VPushConfig config = VPushConfig.defaults().with(Map.<Setting<?>, Object>of(Settings.STORE, "redis"), "test");
    VertxMeters meters = VertxMeters.of(config);
    Vertx vertx = meters.bind(ClusterBootstrap.start(meters.apply(new VertxOptions()), config, TestClusterConfig.create(1).member(0))
        .await(60, TimeUnit.SECONDS));
    try {
      assertThat(vertx.isMetricsEnabled()).isTrue();
      Metrics metrics = Metrics.of(vertx, config);
      vertx.eventBus().consumer("vpush.test.probe", m -> m.reply("ok")).completion().await(10, TimeUnit.SECONDS);
      assertThat(vertx.eventBus().request("vpush.test.probe", "hi").await(10, TimeUnit.SECONDS).body()).isEqualTo("ok");
      assertThat(metrics.scrape()).contains("vertx_eventbus_handlers ").contains("vertx_eventbus_processed_total{side=\"local\"} 1.0")
          .contains("pool_name=\"vert.x-worker-thread\"");
      // Claimed once: a second node on the same Vertx gets a registry of its own.
      assertThat(Metrics.of(vertx, config).scrape()).doesNotContain("vertx_");
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void metricsDisabledMeansNoVertxMetricsAndNoMetricsEndpoint() {
    try (TestNode node = TestNode.start(Map.of(Settings.METRICS_ENABLED, false))) {
      assertThat(node.vertx().isMetricsEnabled()).isFalse();
      assertThat(node.get("/metrics").status()).isEqualTo(404);
      // vpush's own meters are still kept: the stats API (and the dashboard) read them.
      assertThat(node.get("/api/v1/stats").status()).isEqualTo(200);
    }
  }
}
