package io.vpush.access;

import io.vpush.auth.TokenClaims;
import java.util.List;

/** Decides whether a client may subscribe to a topic: a pattern of its token's {@code topics} claim or of {@code topics.public}. */
public final class TopicPolicy {

  private final List<String> publicPatterns;

  public TopicPolicy(List<String> publicPatterns) {
    this.publicPatterns = List.copyOf(publicPatterns);
  }

  public boolean allows(TokenClaims claims, String topic) {
    return anyMatch(publicPatterns, topic) || anyMatch(claims.topics(), topic);
  }

  /** A pattern is a topic name, or a prefix ending in {@code *}; {@code *} alone matches every topic. */
  static boolean matches(String pattern, String topic) {
    if (pattern.endsWith("*")) return topic.startsWith(pattern.substring(0, pattern.length() - 1));
    return pattern.equals(topic);
  }

  private static boolean anyMatch(List<String> patterns, String topic) {
    for (String p : patterns) {
      if (matches(p, topic)) return true;
    }
    return false;
  }
}
