package io.vpush.purge.kafka;

import io.vertx.core.Vertx;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.ops.TokenMinter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** In-process vpush nodes with Kafka on, each test on its own topics and group. */
final class TestNodes {

  static final String SECRET = "kafka-test-secret-0123456789-0123456789";
  static final String API_KEY = "kafka-test-key";

  private TestNodes() {}

  /** A config whose Kafka names all start with {@code prefix}; {@code extra} overrides anything. */
  static VPushConfig config(String bootstrap, String prefix, Map<Setting<?>, Object> extra) {
    Map<Setting<?>, Object> m = new HashMap<>();
    m.put(Settings.HTTP_HOST, "127.0.0.1");
    m.put(Settings.HTTP_PORT, 0);
    m.put(Settings.ACCESS_INSTANCES, 1);
    m.put(Settings.JWT_SECRET, SECRET);
    m.put(Settings.API_KEY, API_KEY);
    m.put(Settings.TCP_BRIDGE_ENABLED, false);
    m.put(Settings.IDLE_TIMEOUT_MS, 120_000);
    m.put(Settings.ACK_TIMEOUT_MS, 30_000);
    m.put(Settings.KAFKA_BOOTSTRAP, bootstrap);
    m.put(Settings.KAFKA_TOPIC, prefix + ".messages");
    m.put(Settings.KAFKA_GROUP, prefix + "-purge");
    m.put(Settings.KAFKA_DLQ_TOPIC, prefix + ".dlq");
    m.put(Settings.KAFKA_UPSTREAM_TOPIC, prefix + ".upstream");
    m.put(Settings.KAFKA_PRESENCE_TOPIC, prefix + ".presence");
    m.putAll(extra);
    return VPushConfig.defaults().with(m, "test");
  }

  static VPushNode start(Vertx vertx, VPushConfig config) {
    return VPushNode.start(vertx, config).await();
  }

  static String token(Vertx vertx, VPushConfig config, String user) {
    return TokenMinter.mint(vertx, config, user, 3600, List.of(), List.of());
  }
}
