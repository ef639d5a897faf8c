package io.vpush.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Parses client bridge frames from JSON text, checking only what every frame must have. */
public final class FrameCodec {

  private static final Set<String> TYPES = Set.of("ping", "register", "unregister", "send", "publish");

  private FrameCodec() {}

  /**
   * Parses one frame.
   *
   * @throws FrameException with {@link ErrorCode#BAD_FRAME} for anything that is not a well-formed frame
   */
  public static ClientFrame parse(String text) throws FrameException {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new FrameException(ErrorCode.BAD_FRAME, "frame is not a JSON object");
    }
    Object type = json.getValue("type");
    if (!(type instanceof String t) || !TYPES.contains(t)) {
      throw new FrameException(ErrorCode.BAD_FRAME, "unknown frame type: " + type);
    }
    Object address = json.getValue("address");
    if (address != null && !(address instanceof String)) {
      throw new FrameException(ErrorCode.BAD_FRAME, "address must be a string");
    }
    if (!t.equals("ping") && (address == null || ((String) address).isEmpty())) {
      throw new FrameException(ErrorCode.BAD_FRAME, t + " frame needs an address");
    }
    Object reply = json.getValue("replyAddress");
    if (reply != null && !(reply instanceof String)) {
      throw new FrameException(ErrorCode.BAD_FRAME, "replyAddress must be a string");
    }
    return new ClientFrame(t, (String) address, json.getValue("body"), headers(json.getValue("headers")), (String) reply);
  }

  private static Map<String, String> headers(Object raw) throws FrameException {
    if (raw == null) return Map.of();
    if (!(raw instanceof JsonObject obj)) throw new FrameException(ErrorCode.BAD_FRAME, "headers must be an object");
    Map<String, String> out = new HashMap<>(obj.size() * 2);
    for (Map.Entry<String, Object> e : obj) {
      Object v = e.getValue();
      if (v instanceof JsonObject || v instanceof io.vertx.core.json.JsonArray) {
        throw new FrameException(ErrorCode.BAD_FRAME, "header '" + e.getKey() + "' must be a string");
      }
      // Bridge headers are strings; numbers and booleans are taken as their text (lenient for hand-written clients).
      if (v != null) out.put(e.getKey(), String.valueOf(v));
    }
    return out;
  }
}
