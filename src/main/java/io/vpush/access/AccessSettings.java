package io.vpush.access;

import io.vpush.http.OriginPolicy;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.time.Backoff;

/** The access role's limits and timeouts, read once from the validated config. */
public final class AccessSettings {

  final long authTimeoutMs;
  final long idleTimeoutMs;
  final long wheelTickMs;
  final int frameMaxBytes;
  /** The outbound bound of each connection, and the share of it paced writes fill. */
  final OutboundLimits outbound;
  /** When unacked messages are sent again, and when they are given up on. */
  final Backoff backoff;
  final int syncDefaultLimit;
  final int syncMaxLimit;
  /** vpush.sync reads one connection may have in flight. */
  final int syncMaxInFlight;
  final long routeTtlMs;
  /** How long a close may take before the connection is dropped with a reset. */
  final long closeTimeoutMs;
  /** The per-connection rate limits and the topic cap. */
  final InboundLimits inbound;
  /** The browser origins that may open client connections. */
  final OriginPolicy origins;
  // --- token refresh ---
  /** How long before its token's exp a connection is told to refresh it (jwt.refreshAheadSeconds). */
  final long refreshAheadMs;
  /** How long after its token's exp a connection that did not refresh is closed (jwt.leewaySeconds). */
  final long tokenLeewayMs;
  // --- end token refresh ---

  private AccessSettings(VPushConfig config) {
    this.authTimeoutMs = config.get(Settings.AUTH_TIMEOUT_MS);
    this.idleTimeoutMs = config.get(Settings.IDLE_TIMEOUT_MS);
    this.wheelTickMs = config.get(Settings.WHEEL_TICK_MS);
    this.frameMaxBytes = config.get(Settings.FRAME_MAX_BYTES);
    this.outbound = OutboundLimits.of(config.get(Settings.OUTBOUND_MAX_MESSAGES), config.get(Settings.OUTBOUND_MAX_BYTES));
    this.backoff = new Backoff(config.get(Settings.ACK_TIMEOUT_MS), config.get(Settings.ACK_MAX_BACKOFF_MS), config.get(Settings.ACK_MAX_RETRIES));
    this.syncDefaultLimit = config.get(Settings.SYNC_DEFAULT_LIMIT);
    this.syncMaxLimit = config.get(Settings.SYNC_MAX_LIMIT);
    this.syncMaxInFlight = config.get(Settings.SYNC_MAX_IN_FLIGHT);
    this.routeTtlMs = config.get(Settings.ROUTE_TTL_MS);
    this.closeTimeoutMs = config.get(Settings.CLOSE_TIMEOUT_MS);
    this.inbound = InboundLimits.of(config);
    this.origins = OriginPolicy.from(config);
    this.refreshAheadMs = config.get(Settings.JWT_REFRESH_AHEAD_SECONDS) * 1000L;
    this.tokenLeewayMs = config.get(Settings.JWT_LEEWAY_SECONDS) * 1000L;
  }

  public static AccessSettings of(VPushConfig config) {
    return new AccessSettings(config);
  }

  /** The largest WebSocket frame or message the codec lets through (larger ones are closed with 1009 by it). */
  public int codecMaxBytes() {
    return frameMaxBytes * 4;
  }
}
