package io.vpush.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The failures of one fuzz run, grouped by what went wrong: every one is counted and the first few of each kind keep
 * the input that caused them, so that one run reports every broken rule at once instead of stopping at the first.
 */
final class Failures {

  private static final int EXAMPLES = 3;

  private final Map<String, Kind> kinds = new TreeMap<>();

  private static final class Kind {
    final AtomicLong count = new AtomicLong();
    final List<String> examples = new ArrayList<>();
  }

  /** Records one failure of kind {@code kind}; {@code detail} says which input and what came back. */
  synchronized void add(String kind, String detail) {
    Kind k = kinds.computeIfAbsent(kind, x -> new Kind());
    k.count.incrementAndGet();
    if (k.examples.size() < EXAMPLES) k.examples.add(abbreviate(detail, 4000));
  }

  synchronized boolean isEmpty() {
    return kinds.isEmpty();
  }

  synchronized long count(String kind) {
    Kind k = kinds.get(kind);
    return k == null ? 0 : k.count.get();
  }

  /** One paragraph per kind: its count and examples. */
  synchronized String summary() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Kind> e : kinds.entrySet()) {
      out.append("FAIL ").append(e.getKey()).append(": ").append(e.getValue().count.get()).append(" time(s)\n");
      for (String ex : e.getValue().examples) out.append("    e.g. ").append(ex).append('\n');
    }
    return out.toString();
  }

  /** At most {@code max} characters of a text, control characters made visible. */
  static String abbreviate(String text, int max) {
    if (text == null) return "null";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && b.length() < max; i++) {
      char c = text.charAt(i);
      // Only printable ASCII goes out as is: a lone surrogate in a report once cut the test's output short.
      if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    if (text.length() > max) b.append("... (").append(text.length()).append(" chars)");
    return b.toString();
  }
}
