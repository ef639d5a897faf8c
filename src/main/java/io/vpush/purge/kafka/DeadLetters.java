package io.vpush.purge.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import io.vpush.metrics.Metrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Sends invalid publish records to the DLQ topic unchanged (same key, value and headers), with why in headers:
 * {@value #ERROR_HEADER} (a reason code), {@value #MESSAGE_HEADER} (for people) and {@value #SOURCE_HEADER}
 * ({@code topic-partition-offset}).
 */
final class DeadLetters {

  static final String ERROR_HEADER = "vpush-error";
  static final String MESSAGE_HEADER = "vpush-error-message";
  static final String SOURCE_HEADER = "vpush-source";

  private final KafkaWriteStream<String, byte[]> producer;
  private final String topic;
  private final Metrics metrics;

  DeadLetters(KafkaWriteStream<String, byte[]> producer, String topic, Metrics metrics) {
    this.producer = producer;
    // Failed sends are answered through their futures; this only keeps them out of the "unhandled" log.
    producer.exceptionHandler(e -> { });
    this.topic = topic;
    this.metrics = metrics;
  }

  /** Completes once Kafka acknowledged the DLQ record; only then is it counted. */
  Future<Void> send(ConsumerRecord<String, byte[]> record, IngestRecord.Invalid why) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : record.headers()) headers.add(h);
    headers.add(ERROR_HEADER, why.reason().getBytes(StandardCharsets.UTF_8));
    headers.add(MESSAGE_HEADER, why.message().getBytes(StandardCharsets.UTF_8));
    headers.add(SOURCE_HEADER, IngestRecord.generatedId(record.topic(), record.partition(), record.offset()).getBytes(StandardCharsets.UTF_8));
    return producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers))
        .<Void>mapEmpty()
        .onSuccess(v -> metrics.dlq(why.reason()));
  }

  /** Closes the producer, waiting at most 2 s for records still unsent (their offsets were not committed). */
  Future<Void> close() {
    return producer.close(2_000);
  }
}
