package io.vpush.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line options of {@code vpush bench}: {@code --key value} pairs and bare {@code --flag}s, with typed getters. */
public final class BenchOptions {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  /** Parses {@code args}; a {@code --key} followed by another {@code --key} or nothing is a flag ("true"). */
  public static BenchOptions parse(String[] args) {
    BenchOptions o = new BenchOptions();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        String key = a.substring(2);
        int eq = key.indexOf('=');
        if (eq > 0) {
          o.values.put(key.substring(0, eq), key.substring(eq + 1));
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          o.values.put(key, args[++i]);
        } else {
          o.values.put(key, "true");
        }
      } else {
        o.positional.add(a);
      }
    }
    return o;
  }

  public List<String> positional() { return positional; }

  public String str(String key, String def) { return values.getOrDefault(key, def); }

  public int integer(String key, int def) {
    String v = values.get(key);
    return v == null ? def : Integer.parseInt(v.replace("_", "").replace("k", "000"));
  }

  public long longValue(String key, long def) {
    String v = values.get(key);
    return v == null ? def : Long.parseLong(v.replace("_", "").replace("k", "000"));
  }

  public double dbl(String key, double def) {
    String v = values.get(key);
    return v == null ? def : Double.parseDouble(v.replace("_", "").replace("k", "000"));
  }

  public boolean flag(String key) { return Boolean.parseBoolean(values.getOrDefault(key, "false")); }

  public boolean has(String key) { return values.containsKey(key); }

  /** A comma-separated list, empty when absent. */
  public List<String> list(String key) {
    String v = values.get(key);
    List<String> out = new ArrayList<>();
    if (v != null) {
      for (String s : v.split(",")) {
        if (!s.isBlank()) out.add(s.trim());
      }
    }
    return out;
  }

  /** A copy with {@code key} set to {@code value}. */
  public BenchOptions with(String key, String value) {
    BenchOptions o = new BenchOptions();
    o.values.putAll(values);
    o.positional.addAll(positional);
    o.values.put(key, value);
    return o;
  }

  /** Every option as given, for the report. */
  public Map<String, String> asMap() { return Map.copyOf(values); }

  /** Back to an argument array (used to start child load generators with the same settings). */
  public List<String> toArgs() {
    List<String> out = new ArrayList<>();
    values.forEach((k, v) -> { out.add("--" + k); out.add(v); });
    return out;
  }
}
