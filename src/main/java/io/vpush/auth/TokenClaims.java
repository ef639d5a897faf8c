package io.vpush.auth;

import java.util.List;

/**
 * What a verified client token grants.
 *
 * @param subject the user id ({@code sub})
 * @param topics  topic patterns this client may subscribe to (empty: none beyond the public ones)
 * @param devices device types allowed to connect with this token (empty: any)
 * @param exp     the token's {@code exp} in epoch seconds, or {@link #NO_EXP} for a token that never expires
 */
public record TokenClaims(String subject, List<String> topics, List<String> devices, long exp) {

  /** The {@code exp} of a token without one (allowed when {@code jwt.requireExp} is off): it never expires. */
  public static final long NO_EXP = 0;

  /** Claims of a token without {@code exp}. */
  public TokenClaims(String subject, List<String> topics, List<String> devices) {
    this(subject, topics, devices, NO_EXP);
  }

  /** Whether the token carries an {@code exp}, after which its connection must refresh it or be closed. */
  public boolean expires() {
    return exp != NO_EXP;
  }

  /** The {@code exp} claim as read by vertx-auth-jwt (a number of epoch seconds, or absent), as {@link #exp}. */
  public static long expOf(Object raw) {
    return raw instanceof Number n && n.longValue() > 0 ? n.longValue() : NO_EXP;
  }
}
