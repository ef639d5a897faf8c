package io.vpush;

/** Parses human durations for command options: {@code 90}, {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}. */
final class Durations {

  private Durations() {}

  static long seconds(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.isEmpty()) throw new IllegalArgumentException("empty duration");
    char unit = t.charAt(t.length() - 1);
    long factor = switch (unit) {
      case 's' -> 1;
      case 'm' -> 60;
      case 'h' -> 3600;
      case 'd' -> 86400;
      default -> 0;
    };
    String number = factor == 0 ? t : t.substring(0, t.length() - 1);
    try {
      long n = Long.parseLong(number);
      if (n < 0) throw new NumberFormatException();
      return n * (factor == 0 ? 1 : factor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad duration '" + text + "' (use e.g. 90s, 15m, 1h, 7d)");
    }
  }
}
