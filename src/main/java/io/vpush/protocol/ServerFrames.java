package io.vpush.protocol;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vpush.store.StoredMessage;

/**
 * Encodes server-to-client bridge frames as JSON text.
 *
 * <p>Message frames are built by concatenation around the payload's stored JSON text, so a message is
 * encoded once per node however many connections receive it.
 */
public final class ServerFrames {

  public static final String PONG = "{\"type\":\"pong\"}";

  private ServerFrames() {}

  /** The {@code rec} frame for a user message: headers id, seq and ts as strings. */
  public static String message(StoredMessage m) {
    StringBuilder b = new StringBuilder(m.payload().length() + m.user().length() + m.id().length() + 112)
        .append("{\"type\":\"rec\",\"address\":");
    if (needsEscaping(m.user())) b.append(Json.encode(Addresses.user(m.user())));
    else b.append('"').append(Addresses.USER_PREFIX).append(m.user()).append('"');
    b.append(",\"body\":").append(m.payload()).append(",\"headers\":{\"id\":");
    appendQuoted(b, m.id());
    return b.append(",\"seq\":\"").append(m.seq())
        .append("\",\"ts\":\"").append(m.ts()).append("\"}}")
        .toString();
  }

  /** A topic message: no seq. */
  public static String topicMessage(String topic, String id, long ts, String payloadJson) {
    return "{\"type\":\"rec\",\"address\":" + quote(Addresses.topic(topic)) + ",\"body\":" + payloadJson
        + ",\"headers\":{\"id\":" + quote(id) + ",\"ts\":\"" + ts + "\"}}";
  }

  /** A control notice on the user stream ({@code registered}, {@code kicked}, {@code reconnect}). */
  public static String control(String userId, String kind, JsonObject body) {
    return new JsonObject()
        .put("type", "rec")
        .put("address", Addresses.user(userId))
        .put("body", body)
        .put("headers", new JsonObject().put("control", kind))
        .encode();
  }

  /** The answer to a send that carried a replyAddress. */
  public static String reply(String replyAddress, Object body) {
    return new JsonObject().put("type", "rec").put("address", replyAddress).put("body", body).encode();
  }

  /** An error; {@code address} may be null. */
  public static String error(String address, ErrorCode code, String message) {
    JsonObject f = new JsonObject().put("type", "err");
    if (address != null) f.put("address", address);
    return f.put("failureCode", code.status())
        .put("failureType", code.code())
        .put("message", message)
        .put("body", code.code())
        .encode();
  }

  /**
   * The JSON string literal of {@code s}. Ids, user ids and addresses rarely need escaping, so the common case is a
   * scan and a concatenation; Jackson (one generator per call, a third of a multicast delivery's encoding when it ran
   * for every string) only sees strings that do.
   */
  static String quote(String s) {
    return needsEscaping(s) ? Json.encode(s) : '"' + s + '"';
  }

  /** Appends the JSON string literal of {@code s} (see {@link #quote}) without building it as a String first. */
  static void appendQuoted(StringBuilder b, String s) {
    if (needsEscaping(s)) b.append(Json.encode(s));
    else b.append('"').append(s).append('"');
  }

  private static boolean needsEscaping(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') return true;
    }
    return false;
  }
}
