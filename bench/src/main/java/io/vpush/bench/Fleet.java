package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The simulated clients of a run, in this process ({@link LocalFleet}) or spread over child JVMs ({@link ForkedFleet}). */
public interface Fleet {

  /** Connects and registers every client; the result has {registered, failed, durationMs}. */
  Future<JsonObject> connectAll();

  /** Live counters (for child processes: as of their last status line, at most a quarter second old). */
  FleetCounters.Snapshot counters();

  /** Turns acking on or off for every client (off: messages pile up unacked for the reconnect scenario). */
  Future<Void> setAcking(boolean on);

  /**
   * Drops every connection and reconnects it at once with its last acked seq; completes when all are registered again
   * and, if {@code expectReplay}, have caught up, or at the deadline. Result: {reconnected, failed, registeredMs,
   * caughtUp, caughtUpMs, missing}.
   */
  Future<JsonObject> reconnectAll(boolean expectReplay, long deadlineMs);

  /**
   * The latencies recorded in whole seconds {@code >= fromSec} so far, as an encoded histogram (see
   * {@link LatencyRecorder#since}); a second is in once its periodic cut ran, about one second after it ends.
   */
  Future<String> latencySince(long fromSec);

  /** Closes every connection and returns the final counters and merged latencies. */
  Future<Result> finish();

  /** What a fleet measured. */
  record Result(FleetCounters.Snapshot counters, LatencyRecorder latency) {}
}
