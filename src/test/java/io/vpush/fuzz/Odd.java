package io.vpush.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hostile values and JSON text for one fuzz stream, all drawn from one seeded random source: wrong types, huge and
 * NaN-ish numbers, deep nesting, long and odd strings, and text-level damage (truncation, invalid UTF-8, raw tokens
 * that are not JSON). A value that JSON cannot hold as a Java object is a {@link Raw} placed into the encoded text.
 */
final class Odd {

  /** JSON text written as is where this value sits (a number beyond long, NaN, 2,000 nested arrays, ...). */
  record Raw(String text) {}

  /** Strings a hostile client would try; fixed, so that user ids made from them stay a bounded set on the node. */
  static final List<String> ODD_STRINGS = List.of("", " ", "a@b", "b@c", "a b", "../../etc/passwd", "%zz", "%00", "\u0000",
      "null", "true", "0", "-1", "1e400", "NaN", "ünïcødé", "日本語", "\uD83D\uDE00", "<script>alert(1)</script>", "'; DROP TABLE",
      "vpush.user.", "vpush.topic.*", "*", "\r\n", "\\", "\"", "x".repeat(300));

  final SplittableRandom r;
  private final List<String> raws = new ArrayList<>();

  Odd(SplittableRandom r) {
    this.r = r;
  }

  boolean chance(double p) {
    return r.nextDouble() < p;
  }

  int between(int lo, int hiInclusive) {
    return r.nextInt(lo, hiInclusive + 1);
  }

  <T> T pick(List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  /** Any hostile JSON value. */
  Object value() {
    return switch (r.nextInt(16)) {
      case 0 -> null;
      case 1 -> r.nextBoolean();
      case 2 -> number();
      case 3, 4 -> raw(rawNumber());
      case 5 -> pick(ODD_STRINGS);
      case 6 -> longString();
      case 7 -> new JsonArray().add(number()).add(pick(ODD_STRINGS));
      case 8 -> new JsonObject().put(pick(ODD_STRINGS), number());
      case 9 -> raw(deep());
      case 10 -> raw("\"\\ud800\"");
      case 11 -> Long.toString(r.nextLong());
      case 12 -> new JsonArray();
      case 13 -> new JsonObject();
      case 14 -> -1;
      default -> r.nextInt(-5, 20);
    };
  }

  /** A number a Java object can hold: extremes, negatives, fractions. */
  Object number() {
    return switch (r.nextInt(10)) {
      case 0 -> Long.MAX_VALUE;
      case 1 -> Long.MIN_VALUE;
      case 2 -> -1;
      case 3 -> 0;
      case 4 -> 1.5;
      case 5 -> Double.MAX_VALUE;
      case 6 -> -0.0;
      case 7 -> new BigInteger("123456789012345678901234567890");
      case 8 -> Integer.MAX_VALUE + 1L;
      default -> r.nextLong(-1000, 1_000_000);
    };
  }

  /** Number-like tokens, valid JSON or not. */
  String rawNumber() {
    return pick(List.of("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "9223372036854775808", "-9223372036854775809",
        "1" + "0".repeat(400), "0.0000000000000000000000000001", "-0", "1e-400", "01", "+1", ".5", "0x10", "1_000"));
  }

  /** 50 to 5,000 nested arrays or objects (Jackson refuses past 1,000). */
  String deep() {
    int depth = pick(List.of(50, 999, 1001, 2000, 5000));
    boolean arrays = r.nextBoolean();
    StringBuilder b = new StringBuilder(depth * 6);
    for (int i = 0; i < depth; i++) b.append(arrays ? "[" : "{\"a\":");
    b.append("1");
    for (int i = 0; i < depth; i++) b.append(arrays ? "]" : "}");
    return b.toString();
  }

  /** 100 to 12,000 characters: ASCII, multi-byte, or control characters (some frames pass the 8 KiB frame limit). */
  String longString() {
    int n = pick(List.of(100, 1000, 2700, 4000, 8000, 12000));
    String unit = pick(List.of("x", "é", "日", "\uD83D\uDE00", "\u0001", "\\"));
    return unit.repeat(Math.max(1, n / unit.length()));
  }

  Raw raw(String text) {
    return new Raw(text);
  }

  /** Encodes {@code obj}, writing every {@link Raw} as its text. */
  String encode(JsonObject obj) {
    raws.clear();
    JsonObject copy = replaceRaws(obj);
    String text = copy.encode();
    for (int i = 0; i < raws.size(); i++) text = text.replace("\"@@raw" + i + "@@\"", raws.get(i));
    return text;
  }

  private JsonObject replaceRaws(JsonObject obj) {
    JsonObject out = new JsonObject();
    for (var e : obj) out.put(e.getKey(), replaceValue(e.getValue()));
    return out;
  }

  private Object replaceValue(Object v) {
    if (v instanceof Raw raw) {
      raws.add(raw.text());
      return "@@raw" + (raws.size() - 1) + "@@";
    }
    if (v instanceof JsonObject o) return replaceRaws(o);
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      for (Object x : a) out.add(replaceValue(x));
      return out;
    }
    return v;
  }

  /** Sets one existing field of {@code obj} (or of its body/headers) to a hostile value, or adds or removes one. */
  void mutateField(JsonObject obj) {
    List<JsonObject> targets = new ArrayList<>();
    targets.add(obj);
    for (var e : obj) if (e.getValue() instanceof JsonObject o) targets.add(o);
    JsonObject t = pick(targets);
    List<String> keys = new ArrayList<>(t.fieldNames());
    switch (r.nextInt(6)) {
      case 0 -> t.put(pick(ODD_STRINGS), value());
      case 1 -> {
        if (!keys.isEmpty()) t.remove(pick(keys));
      }
      default -> {
        if (!keys.isEmpty()) t.put(pick(keys), value());
        else t.put("x", value());
      }
    }
  }

  /** Text-level damage to valid JSON text; the result is seldom JSON. */
  String damage(String text) {
    return switch (r.nextInt(9)) {
      case 0 -> text.substring(0, r.nextInt(Math.max(1, text.length())));
      case 1 -> text + pick(List.of("}", "]", ",", "{", " garbage", "\u0000"));
      case 2 -> "[" + text + "]";
      case 3 -> pick(List.of("", " ", "null", "[]", "1", "\"str\"", "{}", "{\"type\":}", "{'type':'ping'}", "{\"type\":\"ping\",}",
          "/*c*/{\"type\":\"ping\"}", "{\"type\":\"ping\"}{\"type\":\"ping\"}", "\uFEFF{\"type\":\"ping\"}"));
      case 4 -> text.replaceFirst("\"type\"", "\"type\":\"ping\",\"type\"");
      case 5 -> {
        int at = r.nextInt(Math.max(1, text.length()));
        yield text.substring(0, at) + (char) r.nextInt(0, 0x3000) + text.substring(at);
      }
      case 6 -> text.replace("\"", "'");
      case 7 -> text.replaceFirst(":", ":" + rawNumber() + ",\"z\":");
      default -> text.toUpperCase();
    };
  }

  /** UTF-8 of {@code text} with invalid sequences spliced in (lone continuation bytes, overlongs, surrogates, 0xFF). */
  byte[] invalidUtf8(String text) {
    byte[] good = text.getBytes(StandardCharsets.UTF_8);
    byte[] bad = pick(List.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82}));
    int at = good.length == 0 ? 0 : r.nextInt(good.length);
    byte[] out = new byte[good.length + bad.length];
    System.arraycopy(good, 0, out, 0, at);
    System.arraycopy(bad, 0, out, at, bad.length);
    System.arraycopy(good, at, out, at + bad.length, good.length - at);
    return out;
  }
}
