package io.vpush.protocol;

import io.vertx.core.json.Json;

/**
 * JSON string literals for text built by concatenation (frames, stored entries, bridge replies). Ids, user ids and
 * addresses rarely need escaping, so the common case is a scan and an append; Jackson (one generator per call, a third
 * of a multicast delivery's encoding when it ran for every string) only sees strings that do.
 */
public final class JsonText {

  private JsonText() {}

  /** The JSON string literal of {@code s}. */
  public static String quote(String s) {
    return needsEscaping(s) ? Json.encode(s) : '"' + s + '"';
  }

  /** Appends the JSON string literal of {@code s} without building it as a String first. */
  public static StringBuilder appendQuoted(StringBuilder b, String s) {
    if (needsEscaping(s)) return b.append(Json.encode(s));
    return b.append('"').append(s).append('"');
  }

  /** Whether {@code s} holds a character that a JSON string literal must escape. */
  public static boolean needsEscaping(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') return true;
    }
    return false;
  }
}
