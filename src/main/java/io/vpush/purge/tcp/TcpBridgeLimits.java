package io.vpush.purge.tcp;

import io.micrometer.core.instrument.Counter;
import io.vpush.metrics.Metrics;

/**
 * The bounds of one node's TCP bridge connections, and the counters of what they refused: one instance per node,
 * shared by every connection (nothing of it is per connection).
 *
 * @param maxFrameBytes       the largest frame accepted; past it, {@code frame_too_large} and a close
 * @param maxInFlightBytes    frame bytes of a connection's publishes awaiting their answer before it is not read
 * @param frameTimeoutMs      a frame must be complete within this time of its first byte
 * @param writeStallTimeoutMs a connection whose write queue stays full this long is closed
 * @param publishes           the node's publish rate (all doors): a publish over it gets {@code err rate_limited}
 */
record TcpBridgeLimits(int maxFrameBytes, long maxInFlightBytes, long frameTimeoutMs, long writeStallTimeoutMs,
                       Meters meters, io.vpush.limit.NodeRate publishes) {

  /** Bookkeeping of a publish beyond its frame's bytes (request, reply address, future), counted against the bound. */
  static final int PUBLISH_OVERHEAD_BYTES = 512;

  /** The bridge's refusal counters, registered once per node. */
  record Meters(Counter pausedWrites, Counter pausedInFlight, Counter closedStall, Counter closedFrameTimeout,
                Counter closedTooLarge) {

    static Meters of(Metrics metrics) {
      String paused = "vpush_tcp_bridge_paused_total";
      String pausedHelp = "times a TCP bridge connection stopped being read, by reason";
      String closed = "vpush_tcp_bridge_closed_total";
      String closedHelp = "TCP bridge connections closed by a bound, by reason";
      return new Meters(
          metrics.counter(paused, pausedHelp, "reason", "write_queue_full"),
          metrics.counter(paused, pausedHelp, "reason", "in_flight"),
          metrics.counter(closed, closedHelp, "reason", "write_stall"),
          metrics.counter(closed, closedHelp, "reason", "frame_timeout"),
          metrics.counter(closed, closedHelp, "reason", "frame_too_large"));
    }
  }
}
