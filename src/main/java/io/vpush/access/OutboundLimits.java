package io.vpush.access;

/**
 * The node's bound on what one connection may have written that its socket has not taken yet
 * ({@code outbound.maxMessages}, {@code outbound.maxBytes}), and the share of it that paced writes may fill.
 *
 * <p>Paced writes are catch-up pages and re-sends: what they have not written yet is safe in the store or the ack
 * tracker, so they fill at most half of either limit (at most {@link #PACED_MAX_FRAMES} frames) and wait for the socket
 * to drain. The other half is left to live messages, which have nowhere else to wait.
 *
 * @param maxFrames frames past which the connection is a slow consumer
 * @param maxBytes characters past which the connection is a slow consumer
 * @param pacedMaxFrames frames paced writes fill at most
 * @param pacedMaxBytes characters paced writes fill at most
 */
record OutboundLimits(int maxFrames, long maxBytes, int pacedMaxFrames, long pacedMaxBytes) {

  /** Paced writes queue at most this many frames to one connection. */
  static final int PACED_MAX_FRAMES = 200;

  /** The limits for the configured bound, with the paced share derived from it. */
  static OutboundLimits of(int maxMessages, int maxBytes) {
    return new OutboundLimits(maxMessages, maxBytes,
        Math.max(1, Math.min(PACED_MAX_FRAMES, maxMessages / 2)), Math.max(1, maxBytes / 2));
  }

  /** Whether {@code frames} and {@code bytes} queued pass the bound. */
  boolean over(int frames, long bytes) {
    return frames > maxFrames || bytes > maxBytes;
  }

  /** Whether {@code frames} and {@code bytes} queued stay within the paced share. */
  boolean pacedRoom(int frames, long bytes) {
    return frames <= pacedMaxFrames && bytes <= pacedMaxBytes;
  }

  /** Whether {@code frames} and {@code bytes} queued are down to half the paced share, where a paused catch-up goes on. */
  boolean pacedHalfDrained(int frames, long bytes) {
    return frames <= pacedMaxFrames / 2 && bytes <= pacedMaxBytes / 2;
  }
}
