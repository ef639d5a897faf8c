package io.vpush.store;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A message accepted for one user: what the inbox holds and what is delivered.
 *
 * @param id        the message id (idempotency key)
 * @param user      the user id
 * @param seq       the user's sequence number of this message (1, 2, 3, ...)
 * @param ts        when it was published, epoch ms
 * @param expiresAt when the inbox drops it, epoch ms
 * @param payload   the payload as JSON text, stored and sent as is
 * @param devices   device types it is meant for; empty means every device
 */
public record StoredMessage(String id, String user, long seq, long ts, long expiresAt, String payload, List<String> devices) {

  public StoredMessage {
    devices = devices == null ? List.of() : List.copyOf(devices);
  }

  /** What the message weighs against a read's byte budget ({@link Store#read}): its id and payload, in chars. */
  public long storedBytes() {
    return (long) id.length() + payload.length();
  }

  /** Whether a connection of this device type should get the message. */
  public boolean isFor(String device) {
    return devices.isEmpty() || devices.contains(device);
  }

  /** The entry of a {@code vpush.sync} reply: id, seq and ts as numbers, body as JSON. */
  public JsonObject toSyncEntry() {
    return new JsonObject()
        .put("id", id)
        .put("seq", seq)
        .put("ts", ts)
        .put("body", io.vertx.core.json.Json.decodeValue(payload));
  }
}
