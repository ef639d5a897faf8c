package io.vpush.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated configuration of one vpush process: a value (and where it came from) for every {@link Setting}.
 *
 * <p>Immutable; build it with {@link ConfigLoader}.
 */
public final class VPushConfig {

  private final Map<Setting<?>, Object> values;
  private final Map<Setting<?>, String> sources;

  VPushConfig(Map<Setting<?>, Object> values, Map<Setting<?>, String> sources) {
    this.values = Collections.unmodifiableMap(new HashMap<>(values));
    this.sources = Collections.unmodifiableMap(new HashMap<>(sources));
  }

  /** The value of a setting (its default when nothing set it). */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return values.containsKey(setting) ? (T) values.get(setting) : setting.defaultValue();
  }

  /** Where the value came from: {@code default}, a file path, an environment variable or a flag. */
  public String source(Setting<?> setting) {
    return sources.getOrDefault(setting, "default");
  }

  public boolean isDev() {
    return "dev".equals(get(Settings.MODE));
  }

  public boolean hasRole(String role) {
    return get(Settings.ROLES).contains(role);
  }

  /** A copy with some values replaced; used by the dev-mode secret generation and by tests. */
  public VPushConfig with(Map<Setting<?>, Object> overrides, String source) {
    Map<Setting<?>, Object> v = new HashMap<>(values);
    Map<Setting<?>, String> s = new HashMap<>(sources);
    overrides.forEach((k, val) -> {
      v.put(k, val);
      s.put(k, source);
    });
    return new VPushConfig(v, s);
  }

  /** A copy with one value replaced. */
  public <T> VPushConfig with(Setting<T> setting, T value) {
    Map<Setting<?>, Object> one = new HashMap<>();
    one.put(setting, value);
    return with(one, "override");
  }

  /** Defaults only. */
  public static VPushConfig defaults() {
    return new VPushConfig(Map.of(), Map.of());
  }

  /** The address the HTTP server binds: {@code http.host}, or by mode (dev mode: loopback only). */
  public String httpHost() {
    String host = get(Settings.HTTP_HOST);
    return host != null ? host : isDev() ? Settings.HTTP_HOST_DEV : Settings.HTTP_HOST_PRODUCTION;
  }

  /** Number of access (HTTP) verticle instances: the setting, or the number of cores. */
  public int accessInstances() {
    int n = get(Settings.ACCESS_INSTANCES);
    return n > 0 ? n : Runtime.getRuntime().availableProcessors();
  }

  public List<String> roles() {
    return get(Settings.ROLES);
  }
}
