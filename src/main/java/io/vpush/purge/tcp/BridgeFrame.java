package io.vpush.purge.tcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A TCP bridge frame read with Jackson's streaming parser: the envelope's fields, the publish body without its
 * payload, and the payload as the JSON text it arrived in. The payload is stored and delivered as text, so building
 * it as a tree and encoding it back (a fifth of a bridge publish's parse) is skipped; skipping over it still checks
 * that it is well-formed JSON.
 *
 * @param type         the frame type, null when absent or not a string
 * @param address      null when absent or not a string
 * @param replyAddress null when absent or not a string
 * @param apiKey       the {@code apiKey} header as parsed (any JSON value), null when absent
 * @param body         the body without {@code payload}, null when absent or not an object
 * @param payloadJson  the body's payload as JSON text, null when the body has none
 */
record BridgeFrame(String type, String address, String replyAddress, Object apiKey, JsonObject body, String payloadJson) {

  /** Thread-safe once configured; parsers are cheap. */
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Reads one frame.
   *
   * @throws DecodeException when the bytes are not one well-formed JSON object
   */
  static BridgeFrame read(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new DecodeException("a frame must be a JSON object");
      String type = null, address = null, replyAddress = null, payloadJson = null;
      Object apiKey = null;
      JsonObject body = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "type" -> type = stringOrNull(p, t);
          case "address" -> address = stringOrNull(p, t);
          case "replyAddress" -> replyAddress = stringOrNull(p, t);
          case "headers" -> apiKey = t == JsonToken.START_OBJECT ? apiKey(p) : skip(p);
          case "body" -> {
            body = null;
            payloadJson = null;
            if (t != JsonToken.START_OBJECT) {
              p.skipChildren();
              continue;
            }
            body = new JsonObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              JsonToken v = p.nextToken();
              if (field.equals("payload")) payloadJson = rawText(p, v, json);
              else body.put(field, value(p, v));
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) throw new DecodeException("trailing content after the frame");
      return new BridgeFrame(type, address, replyAddress, apiKey, body, payloadJson);
    } catch (IOException e) {
      throw new DecodeException("a frame must be a JSON object: " + e.getMessage());
    }
  }

  private static String stringOrNull(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) return p.getText();
    p.skipChildren();
    return null;
  }

  private static Object skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  /** The {@code apiKey} of a headers object; the parser ends on the object's end. */
  private static Object apiKey(JsonParser p) throws IOException {
    Object key = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals("apiKey")) key = value(p, t);
      else p.skipChildren();
    }
    return key;
  }

  /** The text of the value at the current token, as it appears in {@code json}; the parser ends on its last token. */
  private static String rawText(JsonParser p, JsonToken t, byte[] json) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) p.skipChildren();
    else p.finishToken(); // a string's end is only found once its text is read
    int end = (int) p.currentLocation().getByteOffset();
    return new String(json, start, end - start, StandardCharsets.UTF_8);
  }

  /** The value at the current token as Vert.x's JSON types (as {@code new JsonObject(text)} would give it). */
  private static Object value(JsonParser p, JsonToken t) throws IOException {
    if (t == null) throw new DecodeException("unexpected end of the frame");
    switch (t) {
      case START_OBJECT -> {
        JsonObject o = new JsonObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          o.put(name, value(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY -> {
        JsonArray a = new JsonArray();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) a.add(value(p, e));
        return a;
      }
      case VALUE_STRING -> { return p.getText(); }
      case VALUE_NUMBER_INT -> { return p.getNumberValue(); }
      case VALUE_NUMBER_FLOAT -> { return p.getDoubleValue(); }
      case VALUE_TRUE -> { return Boolean.TRUE; }
      case VALUE_FALSE -> { return Boolean.FALSE; }
      case VALUE_NULL -> { return null; }
      default -> throw new DecodeException("unexpected " + t);
    }
  }
}
