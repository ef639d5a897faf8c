package io.vpush.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * One node's numbers for the dashboard ({@code GET /api/v1/stats}), read from its meter registry: totals
 * (the page turns them into rates), recent p50/p99 latencies, and Kafka lag when a Kafka consumer registered
 * {@code vpush_kafka_consumer_lag} gauges ({@code null} until then).
 */
public final class NodeStats {

  private NodeStats() {}

  /** The snapshot of one node; the keys are what the dashboard and {@link ClusterStats} read. */
  public static JsonObject snapshot(String nodeId, MeterRegistry r, long nowMs) {
    return new JsonObject()
        .put("id", nodeId)
        .put("ts", nowMs)
        .put("connections", (long) gauges(r, "vpush_connections"))
        .put("accepted", counters(r, "vpush_messages_accepted_total"))
        .put("delivered", counters(r, "vpush_messages_delivered_total"))
        .put("acked", counters(r, "vpush_messages_acked_total"))
        .put("resent", counters(r, "vpush_messages_resent_total"))
        .put("givenUp", counters(r, "vpush_messages_given_up_total"))
        .put("inboxDroppedCap", counters(r, "vpush_inbox_dropped_cap_total"))
        .put("inboxExpired", counters(r, "vpush_inbox_expired_total"))
        .put("dlq", counters(r, "vpush_dlq_records_total"))
        .put("problems", counters(r, "vpush_problems_total"))
        .put("storeErrors", counters(r, "vpush_store_errors_total"))
        .put("kafkaLag", r.find("vpush_kafka_consumer_lag").gauges().isEmpty() ? null : (long) gauges(r, "vpush_kafka_consumer_lag"))
        .put("outboundBytes", (long) gauges(r, "vpush_outbound_queued_bytes"))
        .put("deliveryLatencyMs", percentiles(r.find("vpush_delivery_latency").timer()))
        .put("ackLatencyMs", percentiles(r.find("vpush_ack_latency").timer()));
  }

  private static long counters(MeterRegistry r, String name) {
    double sum = 0;
    for (Counter c : r.find(name).counters()) sum += c.count();
    Collection<FunctionCounter> fcs = r.find(name).functionCounters();
    for (FunctionCounter c : fcs) sum += c.count();
    return Math.round(sum);
  }

  private static double gauges(MeterRegistry r, String name) {
    double sum = 0;
    for (Gauge g : r.find(name).gauges()) {
      double v = g.value();
      if (!Double.isNaN(v)) sum += v;
    }
    return sum;
  }

  private static JsonObject percentiles(Timer timer) {
    JsonObject o = new JsonObject().put("p50", 0.0).put("p99", 0.0);
    if (timer == null) return o;
    for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
      double ms = Math.round(v.value(TimeUnit.MILLISECONDS) * 10) / 10.0;
      if (v.percentile() == 0.5) o.put("p50", ms);
      else if (v.percentile() == 0.99) o.put("p99", ms);
    }
    return o;
  }
}
