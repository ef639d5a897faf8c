package io.vpush.purge.kafka;

import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * Kafka client settings for vpush's consumer and producers, from the node config. Timeouts are shorter than
 * Kafka's defaults so a broker outage shows as failures within seconds (and is retried) rather than minutes.
 */
public final class KafkaConfigs {

  private KafkaConfigs() {}

  /** The purge consumer: group {@code kafka.group}, no auto commit, from the earliest offset for a new group. */
  public static Map<String, Object> consumer(VPushConfig config, String clientId) {
    Map<String, Object> c = common(config, clientId);
    c.put("group.id", config.get(Settings.KAFKA_GROUP));
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", "earliest");
    c.put("max.poll.records", "500");
    // A crashed member's partitions move to the others after this long (Kafka's default is 45 s).
    c.put("session.timeout.ms", "10000");
    c.put("heartbeat.interval.ms", "2000");
    // commitSync and friends block the consumer's own thread (never an event loop) at most this long.
    c.put("default.api.timeout.ms", "10000");
    return c;
  }

  /** A producer that waits for all in-sync replicas and never writes a record twice on retry. */
  public static Map<String, String> producer(VPushConfig config, String clientId, String keySerializer, String valueSerializer) {
    Map<String, String> c = new HashMap<>();
    common(config, clientId).forEach((k, v) -> c.put(k, String.valueOf(v)));
    c.put("acks", "all");
    c.put("enable.idempotence", "true");
    c.put("key.serializer", keySerializer);
    c.put("value.serializer", valueSerializer);
    c.put("linger.ms", "2");
    // A send fails (and the caller retries or answers unavailable) after 30 s instead of 2 minutes.
    c.put("request.timeout.ms", "10000");
    c.put("delivery.timeout.ms", "30000");
    c.put("max.block.ms", "10000");
    return c;
  }

  /** An admin client (readiness probes); the caller sets its timeouts. */
  public static Map<String, Object> admin(VPushConfig config, String clientId) {
    return common(config, clientId);
  }

  private static Map<String, Object> common(VPushConfig config, String clientId) {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", config.get(Settings.KAFKA_BOOTSTRAP));
    c.put("client.id", clientId);
    // Reconnect quickly once a broker is back (the default backoff grows to 1 s; keep it there, not higher).
    c.put("reconnect.backoff.ms", "100");
    c.put("reconnect.backoff.max.ms", "1000");
    c.putAll(KafkaSecurity.properties(config)); // TLS and SASL (kafka.securityProtocol, kafka.ssl.*, kafka.sasl.*)
    return c;
  }
}
