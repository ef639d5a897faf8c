package io.vpush.protocol;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * A parsed client frame (a Vert.x event-bus bridge frame).
 *
 * @param type         ping, register, unregister, send (publish is accepted as a send)
 * @param address      the address, or null for ping
 * @param body         the body as a JSON value (JsonObject, JsonArray, String, Number, Boolean) or null
 * @param headers      string headers (never null)
 * @param replyAddress where the answer to a send goes, or null
 */
public record ClientFrame(String type, String address, Object body, Map<String, String> headers, String replyAddress) {

  /** The body as an object, or an empty object when the body is absent; null when the body is some other JSON value. */
  public JsonObject bodyObject() {
    if (body == null) return new JsonObject();
    return body instanceof JsonObject o ? o : null;
  }

  public String header(String name) {
    return headers.get(name);
  }
}
