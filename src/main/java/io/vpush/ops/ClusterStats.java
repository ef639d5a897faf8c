package io.vpush.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Combines node snapshots ({@link NodeStats}) into the cluster line of {@code GET /api/v1/stats}: counts
 * add up; latency percentiles cannot be added, so the cluster shows the worst node's.
 */
public final class ClusterStats {

  private static final List<String> SUMS = List.of("connections", "accepted", "delivered", "acked", "resent", "givenUp",
      "inboxDroppedCap", "inboxExpired", "dlq", "problems", "storeErrors", "outboundBytes");
  private static final List<String> LATENCIES = List.of("deliveryLatencyMs", "ackLatencyMs");

  private ClusterStats() {}

  /** {@code {"ts", "nodes": [...], "cluster": {...}}}. */
  public static JsonObject answer(List<JsonObject> nodes, long nowMs) {
    return new JsonObject().put("ts", nowMs).put("nodes", new JsonArray(List.copyOf(nodes))).put("cluster", combine(nodes));
  }

  public static JsonObject combine(List<JsonObject> nodes) {
    JsonObject total = new JsonObject().put("nodes", nodes.size());
    for (String key : SUMS) {
      long sum = 0;
      for (JsonObject n : nodes) sum += n.getLong(key, 0L);
      total.put(key, sum);
    }
    Long lag = null;
    for (JsonObject n : nodes) {
      Long l = n.getLong("kafkaLag");
      if (l != null) lag = (lag == null ? 0 : lag) + l;
    }
    total.put("kafkaLag", lag);
    for (String key : LATENCIES) {
      double p50 = 0;
      double p99 = 0;
      for (JsonObject n : nodes) {
        JsonObject l = n.getJsonObject(key, new JsonObject());
        p50 = Math.max(p50, l.getDouble("p50", 0.0));
        p99 = Math.max(p99, l.getDouble("p99", 0.0));
      }
      total.put(key, new JsonObject().put("p50", p50).put("p99", p99));
    }
    return total;
  }
}
