package io.vpush.store.redis;

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

  /**
   * The part of an inbox member after {@code <seq>:<idByteLen>:<id>}, which the Lua script prefixes. It must start
   * {@code {"ts":<ts>,"e":<expiresAt>}: inbox.lua reads a message's expiry from there, and then {@code "f":1} marks a
   * fresh id (see {@link io.vpush.store.NewMessage#freshId}), which inbox.lua neither claims nor indexes.
   */
  static String inboxEntry(long ts, long expiresAt, boolean freshId, String payload, List<String> devices) {
    JsonObject entry = new JsonObject().put("ts", ts).put("e", expiresAt);
    if (freshId) entry.put("f", 1);
    return entry.put("d", new JsonArray(new ArrayList<>(devices))).put("p", payload).encode();
  }

  /** Parses an inbox member {@code <seq>:<idByteLen>:<id><entry json>}. */
  static StoredMessage inboxMember(String user, byte[] member) {
    int c1 = indexOf(member, 0);
    int c2 = indexOf(member, c1 + 1);
    long seq = Long.parseLong(new String(member, 0, c1, StandardCharsets.US_ASCII));
    int idLen = Integer.parseInt(new String(member, c1 + 1, c2 - c1 - 1, StandardCharsets.US_ASCII));
    String id = new String(member, c2 + 1, idLen, StandardCharsets.UTF_8);
    int start = c2 + 1 + idLen;
    JsonObject e = new JsonObject(new String(member, start, member.length - start, StandardCharsets.UTF_8));
    return new StoredMessage(id, user, seq, e.getLong("ts"), e.getLong("e"), e.getString("p"), strings(e.getJsonArray("d")));
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
