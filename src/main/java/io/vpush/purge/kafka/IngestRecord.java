package io.vpush.purge.kafka;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vpush.purge.PublishException;
import io.vpush.purge.PublishRequest;

import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

/**
 * What one Kafka record of the publish topic means: a valid publish request, or the reason it goes to the DLQ.
 * Pure, so the rules are tested without a broker.
 */
public sealed interface IngestRecord {

  /** DLQ reasons; a fixed set, used as a metric label and in the {@code vpush-error} header. */
  String EMPTY = "empty";
  String NOT_JSON = "not_json";
  String NOT_OBJECT = "not_object";
  String INVALID = "invalid";

  /** A record vpush accepts. */
  record Valid(PublishRequest request) implements IngestRecord {}

  /** A record for the DLQ: {@code reason} from the fixed set, {@code message} for people. */
  record Invalid(String reason, String message) implements IngestRecord {}

  /** The id a record without {@code id} gets, so that a re-consumed record keeps its first seq. */
  static String generatedId(String topic, int partition, long offset) {
    return topic + "-" + partition + "-" + offset;
  }

  /**
   * Reads a record value as the publish JSON of protocol.md section 9.
   *
   * @param parser the publisher's parse (body, generated id), which throws {@link PublishException}
   */
  static IngestRecord of(byte[] value, String generatedId, BiFunction<JsonObject, String, PublishRequest> parser) {
    if (value == null || value.length == 0) return new Invalid(EMPTY, "the record has no value");
    Object decoded;
    try {
      decoded = Json.decodeValue(new String(value, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      return new Invalid(NOT_JSON, "the value is not valid JSON");
    }
    if (!(decoded instanceof JsonObject body)) return new Invalid(NOT_OBJECT, "the value must be a JSON object");
    try {
      return new Valid(parser.apply(body, generatedId));
    } catch (PublishException e) {
      return new Invalid(INVALID, e.field() + ": " + e.getMessage());
    }
  }
}
