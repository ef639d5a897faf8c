package io.vpush.store.redis;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.store.NewMessage;
import io.vpush.store.Route;
import io.vpush.store.ScheduledMessage;
import io.vpush.store.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** How messages, scheduled messages and routes are written into Redis values, and read back. */
final class RedisCodec {

  private RedisCodec() {}

  /** Between an inbox entry's devices and its payload: cannot occur inside the devices' JSON array (see inboxEntry). */
  private static final String PAYLOAD_MARK = "],\"r\":";

  /**
   * The part of an inbox member after {@code <seq>:<idByteLen>:<id>}, which the Lua script prefixes:
   * {@code {"ts":<ts>,"e":<expiresAt>[,"f":1],"d":[<devices>],"r":<payload>}}. It must start
   * {@code {"ts":<ts>,"e":<expiresAt>}: inbox.lua reads a message's expiry from there, and then {@code "f":1} marks a
   * fresh id (see {@link io.vpush.store.NewMessage#freshId}), which inbox.lua neither claims nor indexes.
   *
   * <p>The payload, always valid JSON text (PublishRequest encodes it), is kept raw and last, so reading an entry
   * neither unescapes nor parses it. With the payload as a JSON string, Jackson took a sixth of the node's JFR samples
   * in a reconnect on Redis (decision D23, docs/benchmarks-log.md). {@code ],"r":} cannot occur inside the
   * devices array, where every quote is within a string literal and escaped, so its first occurrence is where the
   * payload starts.
   */
  static String inboxEntry(long ts, long expiresAt, boolean freshId, String payload, List<String> devices) {
    StringBuilder b = new StringBuilder(payload.length() + 64)
        .append("{\"ts\":").append(ts).append(",\"e\":").append(expiresAt);
    if (freshId) b.append(",\"f\":1");
    b.append(",\"d\":").append(devices.isEmpty() ? "[]" : Json.encode(devices));
    return b.append(",\"r\":").append(payload).append('}').toString();
  }

  /** Parses an inbox member {@code <seq>:<idByteLen>:<id><entry>}, of either entry layout (see {@link #entry}). */
  static StoredMessage inboxMember(String user, byte[] member) {
    int c1 = indexOf(member, 0);
    int c2 = indexOf(member, c1 + 1);
    long seq = Long.parseLong(new String(member, 0, c1, StandardCharsets.US_ASCII));
    int idLen = Integer.parseInt(new String(member, c1 + 1, c2 - c1 - 1, StandardCharsets.US_ASCII));
    String id = new String(member, c2 + 1, idLen, StandardCharsets.UTF_8);
    int start = c2 + 1 + idLen;
    return entry(id, user, seq, new String(member, start, member.length - start, StandardCharsets.UTF_8));
  }

  /**
   * An entry as {@link #inboxEntry} writes it; or, from nodes built before 2026-11-22 21:00, with the payload as a JSON
   * string under {@code "p"} last, which has no {@code ],"r":} (its quotes are escaped) and is parsed as JSON.
   */
  static StoredMessage entry(String id, String user, long seq, String e) {
    int mark = e.indexOf(PAYLOAD_MARK);
    if (mark < 0) {
      JsonObject o = new JsonObject(e);
      return new StoredMessage(id, user, seq, o.getLong("ts"), o.getLong("e"), o.getString("p"),
          strings(o.getJsonArray("d")));
    }
    int tsStart = "{\"ts\":".length();
    int tsEnd = e.indexOf(',', tsStart);
    int expiryStart = tsEnd + ",\"e\":".length();
    int expiryEnd = e.indexOf(',', expiryStart);
    int devicesStart = e.indexOf('[', expiryEnd);
    List<String> devices = mark == devicesStart + 1 ? List.of()
        : strings(new JsonArray(e.substring(devicesStart, mark + 1)));
    String payload = e.substring(mark + PAYLOAD_MARK.length(), e.length() - 1);
    return new StoredMessage(id, user, seq, Long.parseLong(e, tsStart, tsEnd, 10),
        Long.parseLong(e, expiryStart, expiryEnd, 10), payload, devices);
  }

  static String scheduled(ScheduledMessage s) {
    NewMessage m = s.message();
    return new JsonObject().put("id", m.id()).put("u", m.user()).put("ts", m.ts()).put("ttl", m.ttlSeconds())
        .put("p", m.payload()).put("d", new JsonArray(new ArrayList<>(m.devices()))).put("at", s.deliverAt()).encode();
  }

  static ScheduledMessage scheduled(String json) {
    JsonObject o = new JsonObject(json);
    NewMessage m = new NewMessage(o.getString("id"), o.getString("u"), o.getLong("ts"), o.getLong("ttl"),
        o.getString("p"), strings(o.getJsonArray("d")));
    return new ScheduledMessage(m, o.getLong("at"));
  }

  /** The route hash field: length-prefixed so no (node, client) pair can collide with another. */
  static String routeField(Route r) {
    return r.nodeId().length() + ":" + r.nodeId() + "|" + r.clientId();
  }

  static String route(Route r, long expiresAt) {
    return new JsonObject().put("n", r.nodeId()).put("c", r.clientId()).put("d", r.device()).put("s", r.since())
        .put("x", expiresAt).encode();
  }

  static Route route(String user, JsonObject o) {
    return new Route(user, o.getString("n"), o.getString("c"), o.getString("d"), o.getLong("s"));
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) out.add(a.getString(i));
    return out;
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == ':') return i;
    }
    throw new IllegalStateException("malformed inbox member");
  }
}
