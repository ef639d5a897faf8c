package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.Map;

/**
 * The Kafka door: records on {@code --kafka-topic} (by default a fresh topic per run, see {@link BenchCommand}),
 * key = user id, value = the publish JSON. A send succeeds when the broker has the record (acks=all), not when vpush
 * accepted it: vpush answers Kafka publishers only by committing offsets, so delivery is what the clients count.
 */
final class KafkaPublisher implements Publisher {

  private final KafkaProducer<String, String> producer;
  private final String topic;

  KafkaPublisher(Vertx vertx, String bootstrap, String topic, BenchOptions o) {
    this.topic = topic;
    this.producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", bootstrap,
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "acks", "all",
        // Batching is what this door is for: a few ms of linger fills batches at high rates.
        "linger.ms", o.str("kafka-linger-ms", "5"),
        "batch.size", "65536",
        "max.in.flight.requests.per.connection", "5"));
  }

  static KafkaPublisher of(Vertx vertx, BenchOptions o) {
    if (!o.has("kafka-bootstrap")) {
      throw new IllegalArgumentException("--door kafka needs --kafka-bootstrap host:port (start one with scripts/kafka.sh start)");
    }
    return new KafkaPublisher(vertx, o.str("kafka-bootstrap", ""), o.str("kafka-topic", "vpush.messages"), o);
  }

  @Override public String door() { return "kafka"; }

  @Override
  public Future<Void> toUser(String user, JsonObject payload) {
    return send(user, Publisher.userBody(user, payload));
  }

  @Override
  public Future<Void> toUsers(List<String> users, JsonObject payload) {
    return send(users.get(0), Publisher.usersBody(users, payload));
  }

  private Future<Void> send(String key, JsonObject value) {
    return producer.send(KafkaProducerRecord.create(topic, key, value.encode())).mapEmpty();
  }

  @Override
  public Future<Void> close() { return producer.close(); }
}
