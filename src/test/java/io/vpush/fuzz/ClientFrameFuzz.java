package io.vpush.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Makes client bridge frames (docs/protocol.md "Client -> server"): valid ones of every kind, then most of them damaged
 * field by field or as text. Users, client ids and topics come from small fixed pools, so that what the fuzz makes the
 * node store stays bounded and the heap check afterwards measures leaks, not data.
 */
final class ClientFrameFuzz {

  static final List<String> USERS = List.of("fz-u0", "fz-u1", "fz-u2", "fz-u3", "fz-u4", "fz-u5");
  static final List<String> TOPICS = List.of("news", "news.sport", "fz.private", "*", "", "vpush.user.fz-u0");
  private static final Set<String> TYPES = Set.of("ping", "register", "unregister", "send", "publish");
  private static final Set<String> KNOWN_SENDS = Set.of("vpush.ack", "vpush.sync", "vpush.upstream", "vpush.refresh");

  /** One frame to send: its text, and what the node must answer (see {@link #expectations}). */
  record Made(String kind, String text) {}

  private final Odd odd;
  private final String secret;
  private final List<String> clientIds;
  private int replies;

  ClientFrameFuzz(Odd odd, String secret, List<String> clientIds) {
    this.odd = odd;
    this.secret = secret;
    this.clientIds = clientIds;
  }

  /** A frame: valid (about a quarter), with a damaged field, or damaged as text. */
  Made next() {
    JsonObject base = base();
    String kind = base.getValue("type") + ":" + base.getValue("address");
    double roll = odd.r.nextDouble();
    if (roll < 0.25) return new Made("valid " + kind, odd.encode(base));
    if (roll < 0.80) {
      int n = odd.between(1, 3);
      for (int i = 0; i < n; i++) odd.mutateField(base);
      return new Made("field " + kind, odd.encode(base));
    }
    return new Made("text " + kind, odd.damage(odd.encode(base)));
  }

  String replyAddress() {
    return "fz-r" + (replies++);
  }

  JsonObject base() {
    String user = odd.pick(USERS);
    return switch (odd.r.nextInt(13)) {
      case 0 -> new JsonObject().put("type", "ping");
      case 1, 2 -> new JsonObject().put("type", "register").put("address", "vpush.user." + user).put("headers", registerHeaders(user));
      case 3 -> new JsonObject().put("type", "register").put("address", "vpush.topic." + odd.pick(TOPICS));
      case 4 -> new JsonObject().put("type", "unregister").put("address", "vpush.topic." + odd.pick(TOPICS));
      case 5, 6 -> send("vpush.ack", new JsonObject().put("seq", seqValue()));
      case 7 -> send("vpush.sync", new JsonObject().put("since", seqValue()).put("limit", odd.pick(List.<Object>of(0, 1, -1, 100, 1000,
          1001, 10_001, Integer.MAX_VALUE, Long.MAX_VALUE, 1.5, "10", "abc", new JsonArray()))));
      case 8 -> send("vpush.upstream", new JsonObject().put("any", odd.value())).put("headers", new JsonObject().put("k", "v"));
      case 9 -> new JsonObject().put("type", "publish").put("address", "vpush.user." + user).put("body", new JsonObject().put("x", 1));
      case 10 -> send(odd.pick(List.of("vpush.publish", "vpush.user." + user, "vpush.sync.x", "unknown", "vpush.ack ")), new JsonObject());
      case 11 -> send("vpush.refresh", new JsonObject().put("token", token(user)));
      default -> new JsonObject().put("type", odd.pick(List.of("rec", "err", "pong", "message", "PING", "Register", "")))
          .put("address", "vpush.ack");
    };
  }

  private JsonObject send(String address, JsonObject body) {
    JsonObject f = new JsonObject().put("type", "send").put("address", address).put("body", body);
    if (odd.chance(0.8)) f.put("replyAddress", replyAddress());
    return f;
  }

  private Object seqValue() {
    return odd.chance(0.5) ? odd.r.nextLong(0, 50) : odd.number();
  }

  /** Register headers: mostly a good token, else one of the bad ones an attacker or a broken client sends. */
  JsonObject registerHeaders(String user) {
    JsonObject h = new JsonObject().put("token", token(user));
    if (odd.chance(0.7)) h.put("clientId", odd.pick(clientIds));
    if (odd.chance(0.3)) h.put("device", odd.pick(List.of("pc", "mobile", "pos", "web", "", "x".repeat(500))));
    if (odd.chance(0.4)) h.put("lastSeq", odd.pick(List.<Object>of("0", "5", "-1", "abc", "1e3", "99999999999999999999", 7, 1.5, "")));
    return h;
  }

  /** A token for {@code user}: good (half the time), or expired, for another user, unsigned, badly signed, odd claims. */
  String token(String user) {
    long now = System.currentTimeMillis() / 1000;
    String hs = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    return switch (odd.r.nextInt(14)) {
      case 0 -> Jwt.sign(secret, hs, "{\"sub\":\"" + user + "\",\"exp\":" + (now - 3600) + "}");
      case 1 -> Jwt.good(secret, odd.pick(USERS) + "x");
      case 2 -> Jwt.b64("{\"alg\":\"none\"}") + "." + Jwt.b64("{\"sub\":\"" + user + "\"}") + ".";
      case 3 -> Jwt.sign("wrong-secret-0123456789abcdef-0123456789", hs, "{\"sub\":\"" + user + "\"}");
      case 4 -> Jwt.sign(secret, hs, "{\"sub\":\"" + user + "\",\"exp\":\"tomorrow\"}");
      case 5 -> Jwt.sign(secret, hs, "{\"sub\":\"" + user + "\",\"exp\":1e400,\"topics\":{\"a\":1},\"devices\":7}");
      case 6 -> odd.pick(List.of("", "garbage", "a.b.c", "%zz", "Bearer x", "x".repeat(5000), "...."));
      default -> Jwt.good(secret, user);
    };
  }

  /**
   * The answers the node owes for {@code text}, by address ("" for an error without one, "pong" for a pong): the
   * replyAddress of a send or publish, the address of a user register, the address of a denied frame, and an
   * unaddressed bad_frame for what does not parse as a frame. Frames whose answer depends on the node's state (a topic
   * register, an ack without replyAddress) owe nothing here; the probe after them still proves they did not hang.
   */
  static List<String> expectations(String text, boolean answersPing) {
    JsonObject f;
    try {
      if (tooDeep(text)) return List.of("");
      f = new JsonObject(text);
    } catch (RuntimeException e) {
      return List.of("");
    }
    Object type = f.getValue("type");
    Object address = f.getValue("address");
    Object reply = f.getValue("replyAddress");
    if (!(type instanceof String t) || !TYPES.contains(t)) return List.of("");
    if (address != null && !(address instanceof String)) return List.of("");
    if (!t.equals("ping") && (address == null || ((String) address).isEmpty())) return List.of("");
    if (reply != null && !(reply instanceof String)) return List.of("");
    Object headers = f.getValue("headers");
    if (headers != null && !(headers instanceof JsonObject)) return List.of("");
    if (headers instanceof JsonObject h) {
      for (var e : h) if (e.getValue() instanceof JsonObject || e.getValue() instanceof JsonArray) return List.of("");
    }
    String a = (String) address;
    String r = (String) reply;
    List<String> out = new ArrayList<>();
    switch (t) {
      case "ping" -> {
        if (answersPing) out.add("pong");
      }
      case "register" -> {
        if (a.startsWith("vpush.user.") && a.length() > "vpush.user.".length()) out.add(a);
        else if (!a.startsWith("vpush.topic.") || a.length() == "vpush.topic.".length()) out.add(r != null ? r : a);
      }
      case "send" -> {
        if (r != null) out.add(r);
        else if (!KNOWN_SENDS.contains(a)) out.add(a);
      }
      case "publish" -> out.add(r != null ? r : a);
      default -> { }
    }
    return out;
  }

  /**
   * Whether the node refuses the text for its nesting (deeper than {@link io.vpush.protocol.JsonLimits#MAX_DEPTH}): this
   * JVM's parser takes it, so the rule is applied here as the node applies it.
   */
  static boolean tooDeep(String text) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (inString) {
        if (ch == '\\') i++;
        else if (ch == '"') inString = false;
      } else if (ch == '"') {
        inString = true;
      } else if (ch == '{' || ch == '[') {
        if (++depth > io.vpush.protocol.JsonLimits.MAX_DEPTH) return true;
      } else if (ch == '}' || ch == ']') {
        depth--;
      }
    }
    return false;
  }
}
