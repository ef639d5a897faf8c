package io.vpush.http;

import io.vpush.config.ConfigException;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which browser origins may open client connections and call the HTTP API ({@code http.allowedOrigins}): exact
 * origins ({@code https://app.example.com}), subdomain wildcards ({@code https://*.example.com}, any depth, not the
 * bare domain), or {@code *}. With none configured a production node allows only its own origin (the Origin's host
 * equals the request's Host) and dev mode allows any. A request without Origin is not from a browser page and is
 * allowed: origins protect users' browsers, tokens protect the node.
 */
public final class OriginPolicy {
  private final boolean any;
  private final List<String> exact;
  /** Wildcard entries as (scheme "://", "." + domain, ":" port or ""). */
  private final List<String[]> wildcards;

  private OriginPolicy(boolean any, List<String> exact, List<String[]> wildcards) {
    this.any = any;
    this.exact = exact;
    this.wildcards = wildcards;
  }

  /** The node's policy; a bad entry is a config error naming the key and its source. */
  public static OriginPolicy from(VPushConfig config) {
    try {
      return of(config.get(Settings.HTTP_ALLOWED_ORIGINS), config.isDev());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config error: 'http.allowedOrigins' from " + config.source(Settings.HTTP_ALLOWED_ORIGINS) + ": "
          + e.getMessage());
    }
  }

  /** The policy for the configured list; {@code dev} with an empty list allows any origin. */
  public static OriginPolicy of(List<String> allowed, boolean dev) {
    if (allowed.isEmpty()) return new OriginPolicy(dev, List.of(), List.of());
    boolean any = false;
    List<String> exact = new ArrayList<>();
    List<String[]> wildcards = new ArrayList<>();
    for (String raw : allowed) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.equals("*")) {
        any = true;
        continue;
      }
      int sep = entry.indexOf("://");
      if (sep <= 0 || entry.endsWith("/") || entry.indexOf('/', sep + 3) >= 0) throw bad(raw, "give scheme://host[:port], no path");
      String scheme = entry.substring(0, sep + 3);
      String rest = entry.substring(sep + 3);
      if (rest.startsWith("*.")) {
        int colon = rest.indexOf(':');
        String domain = colon < 0 ? rest.substring(1) : rest.substring(1, colon);
        if (domain.length() < 2 || domain.contains("*")) throw bad(raw, "a wildcard is one leading '*.' before a domain");
        wildcards.add(new String[] {scheme, domain, colon < 0 ? "" : rest.substring(colon)});
      } else {
        if (rest.isEmpty() || rest.contains("*")) throw bad(raw, "'*' is allowed only as '*' or a leading '*.'");
        exact.add(entry);
      }
    }
    return new OriginPolicy(any, List.copyOf(exact), List.copyOf(wildcards));
  }

  private static IllegalArgumentException bad(String entry, String why) {
    return new IllegalArgumentException("'" + entry + "': " + why);
  }

  /** Whether any origin is allowed. */
  public boolean allowsAny() {
    return any;
  }

  /** Whether other origins than the node's own may be allowed (CORS is worth answering). */
  public boolean allowsCrossOrigin() {
    return any || !exact.isEmpty() || !wildcards.isEmpty();
  }

  /** The exact origins configured, lower case. */
  public List<String> exactOrigins() {
    return exact;
  }

  /** The wildcard entries as regular expressions over a whole origin (for a CORS handler). */
  public List<String> wildcardPatterns() {
    List<String> out = new ArrayList<>();
    for (String[] w : wildcards) {
      out.add(java.util.regex.Pattern.quote(w[0]) + "([a-z0-9-]+\\.)+" + java.util.regex.Pattern.quote(w[1].substring(1))
          + java.util.regex.Pattern.quote(w[2]));
    }
    return out;
  }

  /** Whether a request with {@code origin} (null: no Origin header) to {@code host} (its Host header) may go on. */
  public boolean allows(String origin, String host) {
    if (origin == null || any) return true;
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (exact.contains(o)) return true;
    for (String[] w : wildcards) {
      if (!o.startsWith(w[0])) continue;
      String hostPort = o.substring(w[0].length());
      if (!w[2].isEmpty()) {
        if (!hostPort.endsWith(w[2])) continue;
        hostPort = hostPort.substring(0, hostPort.length() - w[2].length());
      } else if (hostPort.indexOf(':') >= 0) {
        continue;
      }
      if (hostPort.endsWith(w[1]) && hostPort.length() > w[1].length()) return true;
    }
    return sameOrigin(o, host);
  }

  // "null" (sandboxed frames, file://) and anything unparsable are never the node's own origin.
  private static boolean sameOrigin(String origin, String host) {
    if (host == null) return false;
    try {
      URI u = URI.create(origin);
      if (u.getHost() == null || u.getScheme() == null) return false;
      String own = u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
      String h = host.trim().toLowerCase(Locale.ROOT);
      int defaultPort = "https".equals(u.getScheme()) ? 443 : 80;
      return own.equals(h) || own.equals(h.replace(":" + defaultPort, "")) || (own + ":" + defaultPort).equals(h);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
