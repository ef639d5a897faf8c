package io.vpush.purge.kafka;

import io.vpush.access.UpstreamSink;
import io.vpush.access.EventBusUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;
import io.vpush.protocol.Addresses;
import io.vpush.purge.kafka.KafkaConfigs;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;

/**
 * Upstream and presence when Kafka is on: an upstream record goes to {@code kafka.upstreamTopic} (key = user id,
 * {@code acks=all}, idempotent producer) and to the event bus {@code vpush.upstream.in}; its future completes
 * only once Kafka acknowledged it, so the client's {@code {ok:true}} means the business can read it. Presence
 * events go to {@code kafka.presenceTopic} and {@code vpush.presence}, best effort.
 */
public final class KafkaUpstream implements UpstreamSink {

  private final EventBus bus;
  private final KafkaWriteStream<String, String> producer;
  private final String upstreamTopic;
  private final String presenceTopic;
  private final Metrics metrics;

  /** @param producer made by {@link #producer} (its constructor blocks: on a worker thread) */
  KafkaUpstream(Vertx vertx, VPushConfig config, org.apache.kafka.clients.producer.Producer<String, String> producer, Metrics metrics) {
    this.bus = vertx.eventBus();
    this.producer = KafkaWriteStream.create(vertx, producer);
    // Failed sends are answered through their futures (counted there); this keeps them out of the "unhandled" log.
    this.producer.exceptionHandler(e -> { });
    this.upstreamTopic = config.get(Settings.KAFKA_UPSTREAM_TOPIC);
    this.presenceTopic = config.get(Settings.KAFKA_PRESENCE_TOPIC);
    this.metrics = metrics;
  }

  /** The upstream producer; blocks while it starts. */
  static org.apache.kafka.clients.producer.Producer<String, String> producer(VPushConfig config, String nodeId) {
    return new org.apache.kafka.clients.producer.KafkaProducer<>(new HashMap<>(KafkaConfigs.producer(config, "vpush-upstream-" + nodeId,
        StringSerializer.class.getName(), StringSerializer.class.getName())));
  }

  @Override
  public Future<Void> upstream(String userId, JsonObject record) {
    String value = record.encode();
    return producer.send(new ProducerRecord<>(upstreamTopic, userId, value))
        .<Void>mapEmpty()
        // In-cluster consumers hear it once it is durable in Kafka, as the business does.
        .onSuccess(v -> bus.publish(Addresses.UPSTREAM_IN, record))
        .onFailure(e -> metrics.problem("warn", "kafka"));
  }

  @Override
  public void presence(String userId, JsonObject event) {
    bus.publish(EventBusUpstream.PRESENCE_ADDRESS, event);
    producer.send(new ProducerRecord<>(presenceTopic, userId, event.encode())).onFailure(e -> metrics.problem("warn", "kafka"));
  }

  /** Closes the producer, waiting at most 2 s for unsent records (their clients were not answered ok). */
  public Future<Void> close() {
    return producer.close(2_000);
  }
}
