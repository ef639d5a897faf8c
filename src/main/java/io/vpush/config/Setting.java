package io.vpush.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One typed configuration key: its name, default, description and how a raw value is parsed and checked.
 *
 * <p>Keys are dotted camel case ({@code ack.timeoutMs}); the environment variable is derived from the
 * key ({@code VPUSH_ACK_TIMEOUT_MS}) so there is exactly one name to document per setting.
 */
public final class Setting<T> {

  private final String key;
  private final T defaultValue;
  private final String description;
  private final Function<Object, T> parser;
  private final String typeName;

  private Setting(String key, T defaultValue, String typeName, String description, Function<Object, T> parser) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.typeName = typeName;
    this.description = description;
    this.parser = parser;
  }

  public String key() { return key; }
  public T defaultValue() { return defaultValue; }
  public String description() { return description; }
  public String typeName() { return typeName; }

  /** The environment variable for this key: {@code tcpBridge.port} becomes {@code VPUSH_TCP_BRIDGE_PORT}. */
  public String envName() {
    StringBuilder sb = new StringBuilder("VPUSH_");
    for (char c : key.toCharArray()) {
      if (c == '.') sb.append('_');
      else if (Character.isUpperCase(c)) sb.append('_').append(c);
      else sb.append(Character.toUpperCase(c));
    }
    return sb.toString();
  }

  /** Parses a raw value (a JSON value from a file, or a string from the environment or a flag). */
  T parse(Object raw) {
    return parser.apply(raw);
  }

  static Setting<Integer> integer(String key, int def, int min, int max, String description) {
    return new Setting<>(key, def, "int", description, raw -> {
      long v = toLong(raw);
      if (v < min || v > max) throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + v);
      return (int) v;
    });
  }

  static Setting<Long> longValue(String key, long def, long min, long max, String description) {
    return new Setting<>(key, def, "long", description, raw -> {
      long v = toLong(raw);
      if (v < min || v > max) throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + v);
      return v;
    });
  }

  static Setting<Boolean> bool(String key, boolean def, String description) {
    return new Setting<>(key, def, "bool", description, raw -> {
      if (raw instanceof Boolean b) return b;
      String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("1") || s.equals("yes")) return true;
      if (s.equals("false") || s.equals("0") || s.equals("no")) return false;
      throw new IllegalArgumentException("must be true or false, got '" + raw + "'");
    });
  }

  /** A string; {@code null} default means "not set". */
  static Setting<String> string(String key, String def, String description) {
    return new Setting<>(key, def, "string", description, raw -> {
      String s = String.valueOf(raw);
      return s.isEmpty() ? null : s;
    });
  }

  static Setting<String> oneOf(String key, String def, String description, String... allowed) {
    List<String> values = Arrays.asList(allowed);
    return new Setting<>(key, def, String.join("|", allowed), description, raw -> {
      String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
      if (!values.contains(s)) throw new IllegalArgumentException("must be one of " + values + ", got '" + raw + "'");
      return s;
    });
  }

  /** A list of strings: a JSON array, or a comma-separated string from the environment; each checked by {@code allowed} when given. */
  static Setting<List<String>> list(String key, List<String> def, String description, String... allowed) {
    List<String> values = Arrays.asList(allowed);
    return new Setting<>(key, List.copyOf(def), "list", description, raw -> {
      List<String> out = new ArrayList<>();
      if (raw instanceof Iterable<?> it) {
        for (Object o : it) out.add(String.valueOf(o).trim());
      } else {
        for (String part : String.valueOf(raw).split(",")) {
          if (!part.isBlank()) out.add(part.trim());
        }
      }
      if (!values.isEmpty()) {
        for (String v : out) {
          if (!values.contains(v)) throw new IllegalArgumentException("unknown value '" + v + "', allowed: " + values);
        }
      }
      return List.copyOf(out);
    });
  }

  private static long toLong(Object raw) {
    if (raw instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) throw new IllegalArgumentException("must be a whole number, got " + raw);
      return n.longValue();
    }
    try {
      return Long.parseLong(String.valueOf(raw).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number, got '" + raw + "'");
    }
  }

  @Override
  public String toString() { return key; }
}
