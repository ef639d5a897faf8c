package io.vpush.store.redis;

import io.vertx.core.json.JsonArray;
import io.vpush.store.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads an inbox entry in the layout {@link RedisCodec#inboxEntry} writes, by position: two numbers, the devices
 * array (almost always empty) and the payload text, which runs to the entry's closing brace. Anything else (an entry
 * of the older layout) is left to a JSON parser: {@link #read} answers null.
 */
final class EntryReader {

  private static final byte[] TS = ascii("{\"ts\":");
  private static final byte[] E = ascii(",\"e\":");
  private static final byte[] D = ascii(",\"d\":[");
  private static final byte[] R = ascii(",\"r\":");

  private final byte[] b;
  private int pos;

  private EntryReader(byte[] b, int pos) {
    this.b = b;
    this.pos = pos;
  }

  /** The message whose entry starts at {@code start} of {@code member}, or null if the entry is not in this layout. */
  static StoredMessage read(String id, String user, long seq, byte[] member, int start) {
    EntryReader r = new EntryReader(member, start);
    if (!r.skip(TS)) return null;
    long ts = r.number();
    if (!r.skip(E)) return null;
    long expiresAt = r.number();
    if (!r.skip(D)) return null;
    List<String> devices = r.devices();
    if (devices == null || !r.skip(R) || member[member.length - 1] != '}' || r.pos >= member.length - 1) return null;
    String payload = new String(member, r.pos, member.length - 1 - r.pos, StandardCharsets.UTF_8);
    return new StoredMessage(id, user, seq, ts, expiresAt, payload, devices);
  }

  private boolean skip(byte[] expected) {
    if (pos + expected.length > b.length) return false;
    for (int i = 0; i < expected.length; i++) {
      if (b[pos + i] != expected[i]) return false;
    }
    pos += expected.length;
    return true;
  }

  /** A decimal long; the entry was written by this codec, so a malformed number is a bug and throws. */
  private long number() {
    boolean negative = pos < b.length && b[pos] == '-';
    if (negative) pos++;
    int first = pos;
    long v = 0;
    while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') v = v * 10 + (b[pos++] - '0');
    if (pos == first) throw new IllegalStateException("malformed inbox entry: a number expected at " + first);
    return negative ? -v : v;
  }

  /** The devices array after its opening bracket, up to and past its closing one; null if it does not close. */
  private List<String> devices() {
    if (pos < b.length && b[pos] == ']') {
      pos++;
      return List.of();
    }
    int open = pos - 1;
    boolean inString = false;
    for (int i = pos; i < b.length; i++) {
      byte c = b[i];
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == ']') {
        pos = i + 1;
        return RedisCodec.strings(new JsonArray(new String(b, open, pos - open, StandardCharsets.UTF_8)));
      }
    }
    return null;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
