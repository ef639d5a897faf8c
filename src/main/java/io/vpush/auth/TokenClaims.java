package io.vpush.auth;

import java.util.List;

/**
 * What a verified client token grants.
 *
 * @param subject the user id ({@code sub})
 * @param topics  topic patterns this client may subscribe to (empty: none beyond the public ones)
 * @param devices device types allowed to connect with this token (empty: any)
 * @param exp     the token's expiry in epoch seconds ({@code exp}), or null when it has none
 */
public record TokenClaims(String subject, List<String> topics, List<String> devices, Long exp) {

  /** Claims without an expiry. */
  public TokenClaims(String subject, List<String> topics, List<String> devices) {
    this(subject, topics, devices, null);
  }
}
