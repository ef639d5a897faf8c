package io.vpush.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.metrics.Metrics;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link NodeRate}: admits its burst, then answers the Retry-After and counts the refusal by door. */
class NodeRateTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void refusesPastTheBurstWithTheWaitAndCountsByDoor() {
    Metrics metrics = new Metrics();
    AtomicLong now = new AtomicLong(0);
    NodeRate rate = new NodeRate(NodeRate.PUBLISHES, RateLimit.perSecond(0.5, 3), NodeRate.PUBLISH_DOORS, metrics, now::get);
    assertThat(metrics.scrape()).contains("vpush_node_rate_limited_total{door=\"eventbus\",limit=\"publishes\"} 0.0");
    for (int i = 0; i < 3; i++) assertThat(rate.admit("http")).isZero();
    assertThat(rate.admit("tcp")).as("one event each 2 s").isEqualTo(2);
    assertThat(rate.admit("tcp")).isEqualTo(2);
    now.set(SECOND);
    assertThat(rate.admit("http")).isEqualTo(1);
    now.set(2 * SECOND);
    assertThat(rate.admit("eventbus")).as("refilled").isZero();
    String scrape = metrics.scrape();
    assertThat(scrape).contains("vpush_node_rate_limited_total{door=\"tcp\",limit=\"publishes\"} 2.0");
    assertThat(scrape).contains("vpush_node_rate_limited_total{door=\"http\",limit=\"publishes\"} 1.0");
    assertThat(scrape).contains("vpush_node_rate_limited_total{door=\"eventbus\",limit=\"publishes\"} 0.0");
    assertThat(rate.refusal(2)).contains("0.5 publishes per second").contains("burst 3").contains("retry in 2 s");
    metrics.close();
  }

  @Test
  void connectionSeriesExistPerTransport() {
    Metrics metrics = new Metrics();
    NodeRate rate = NodeRate.connections(io.vpush.config.VPushConfig.defaults(), metrics);
    assertThat(rate.admit("websocket")).isZero();
    assertThat(metrics.scrape())
        .contains("vpush_node_rate_limited_total{door=\"websocket\",limit=\"connections\"} 0.0")
        .contains("vpush_node_rate_limited_total{door=\"sockjs\",limit=\"connections\"} 0.0");
    assertThat(rate.refusal(1)).contains("5000 new connections per second (burst 20000)");
    metrics.close();
  }
}
