package io.vpush.client;

/**
 * Heartbeat bookkeeping for one connection: when to ping, and when a connection that stopped answering is dead.
 * Pure logic: time comes in as an argument.
 */
public final class Liveness {
  private final long deadAfterMs;
  private long lastHeardMs;

  /** @param deadAfterMs a connection from which nothing (not even a pong) arrived this long is dead */
  public Liveness(long deadAfterMs, long nowMs) {
    this.deadAfterMs = deadAfterMs;
    this.lastHeardMs = nowMs;
  }

  /** A frame (any frame) arrived. */
  public void heard(long nowMs) {
    lastHeardMs = Math.max(lastHeardMs, nowMs);
  }

  public boolean isDead(long nowMs) {
    return nowMs - lastHeardMs >= deadAfterMs;
  }
}
