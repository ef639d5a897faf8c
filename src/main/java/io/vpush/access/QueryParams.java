package io.vpush.access;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads one parameter from a raw query string without building a map per connection. */
final class QueryParams {

  private QueryParams() {}

  static String get(String query, String name) {
    if (query == null || query.isEmpty()) return null;
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
