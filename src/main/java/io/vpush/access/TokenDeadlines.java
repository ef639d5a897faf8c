package io.vpush.access;

import io.vpush.auth.TokenClaims;

/**
 * When a connection's token must be refreshed: when it is warned ({@code control: refresh}) and when it is closed
 * with 4001 {@code token expired}. Pure arithmetic, time as an argument; {@link #NEVER} for tokens without exp.
 */
final class TokenDeadlines {

  /** A deadline that never comes (a token without exp, or a warning already sent). */
  static final long NEVER = Long.MAX_VALUE;

  private TokenDeadlines() {}

  /**
   * When a connection whose token has {@code expSeconds} is closed: at exp plus the clock skew the register allowed
   * (a token within the leeway was accepted, so the connection keeps it that long too).
   */
  static long closeAt(long expSeconds, long leewayMs) {
    if (expSeconds == TokenClaims.NO_EXP) return NEVER;
    return expMs(expSeconds) + leewayMs;
  }

  /**
   * When a connection that took a token with {@code expSeconds} at {@code nowMs} is told to refresh it:
   * {@code aheadMs} before exp, but never more than half the token's remaining lifetime, so that a token shorter
   * than the lead is not warned about the moment it is taken (and still leaves the client half its life to refresh);
   * at once for a token already at or past its exp (accepted within the leeway).
   */
  static long warnAt(long expSeconds, long nowMs, long aheadMs) {
    if (expSeconds == TokenClaims.NO_EXP) return NEVER;
    long expMs = expMs(expSeconds);
    long remaining = expMs - nowMs;
    if (remaining <= 0) return nowMs;
    long lead = Math.min(aheadMs, remaining / 2);
    return expMs - lead;
  }

  /** exp in epoch ms; an absurd exp (year 292 million) is capped so that adding a leeway cannot overflow. */
  private static long expMs(long expSeconds) {
    return Math.min(expSeconds, Long.MAX_VALUE / 4000) * 1000L;
  }
}
