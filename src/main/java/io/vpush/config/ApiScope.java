package io.vpush.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an API key may do. Each HTTP API route and the TCP bridge need exactly one scope; scopes do not imply each other
 * (a key lists every scope it gets), so a leaked publish key cannot kick users and a dashboard key cannot publish.
 */
public enum ApiScope {
  /** Publish doors: {@code POST /api/v1/messages} and {@code send vpush.publish} on the TCP bridge. */
  PUBLISH,
  /** Admin: {@code /api/v1/users/...} (presence, kicks) and {@code /api/v1/admin/...} (key reload). */
  ADMIN,
  /** Read-only operations: {@code GET /api/v1/stats} (the dashboard) and {@code GET /api/v1/nodes}. */
  STATS;

  /** The name in a keys file, in metrics and in refusals: {@code publish}, {@code admin}, {@code stats}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every scope's name, for error messages. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(ApiScope::label).toList();
  }

  /** The scope with this name (case-insensitive), or an IllegalArgumentException naming the allowed ones. */
  public static ApiScope parse(String name) {
    for (ApiScope s : values()) {
      if (s.label().equalsIgnoreCase(name.trim())) return s;
    }
    throw new IllegalArgumentException("unknown scope '" + name + "', allowed: " + labels());
  }
}
