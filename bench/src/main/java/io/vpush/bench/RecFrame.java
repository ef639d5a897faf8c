package io.vpush.bench;

/**
 * Reads the seq and the payload's due time out of a vpush user-message frame without a JSON parse. The load generator
 * shares the server's two cores, and parsing every frame into a JsonObject was most of its CPU in a catch-up storm;
 * any frame not in the server's user-message layout (controls, errors, topics) is left to the JSON parse.
 */
final class RecFrame {
  private RecFrame() {}

  private static final String PREFIX = "{\"type\":\"rec\",";
  private static final String HEADERS = ",\"headers\":{";
  private static final String SEQ = "\"seq\":\"";
  private static final String BODY_T = ",\"body\":{\"t\":";

  /** A user message: its seq and its due time in epoch µs (-1 when the body carries none). */
  record Rec(long seq, long dueMicros) {}

  /** The frame's seq and due time, or null when it is not a user message in the server's layout. */
  static Rec parse(String text) {
    if (!text.startsWith(PREFIX)) return null;
    int headers = text.lastIndexOf(HEADERS);
    if (headers < 0) return null;
    int s = text.indexOf(SEQ, headers);
    if (s < 0) return null; // a control notice or a topic message
    s += SEQ.length();
    int e = text.indexOf('"', s);
    if (e <= s) return null;
    long seq;
    try {
      seq = Long.parseLong(text, s, e, 10);
    } catch (NumberFormatException ex) {
      return null;
    }
    long due = -1;
    int b = text.indexOf(BODY_T);
    if (b > 0 && b < headers) {
      int from = b + BODY_T.length();
      int to = from;
      while (to < headers && Character.isDigit(text.charAt(to))) to++;
      if (to > from) due = Long.parseLong(text, from, to, 10);
    }
    return new Rec(seq, due);
  }
}
