package io.vpush.access;

import io.vpush.metrics.Metrics;

/**
 * One connection's frames written but not yet taken by its socket, held to the node's {@link OutboundLimits}. Lives on
 * the connection's event loop.
 *
 * <p>Frames written in one event-loop turn normally leave together at its end, so a burst can look queued although the
 * socket would take it: past the bound the backlog flushes at once, and only what the socket still does not take
 * makes the connection a slow consumer.
 */
final class SocketBacklog {

  /** Told, on the connection's event loop, each time the socket took a frame. */
  interface DrainListener {
    void drained(SocketBacklog backlog);
  }

  private final Transport transport;
  private final OutboundLimits limits;
  private final Metrics metrics;
  private DrainListener listener;
  private int frames;
  private long bytes;
  /** Set once the connection is gone: its writes no longer count, whether or not the transport completes them. */
  private boolean released;

  SocketBacklog(Transport transport, OutboundLimits limits, Metrics metrics) {
    this.transport = transport;
    this.limits = limits;
    this.metrics = metrics;
  }

  /** Who waits for the socket to drain (a paused catch-up), or null. */
  void listener(DrainListener listener) {
    this.listener = listener;
  }

  /**
   * Writes a frame.
   *
   * @return false when, even flushed, the socket leaves the backlog past the bound: the caller closes a slow consumer
   */
  boolean write(String frame) {
    if (released) return true; // the connection is gone: nothing to hold, nothing to close
    int size = frame.length();
    frames++;
    bytes += size;
    metrics.outboundQueued(size);
    transport.write(frame).onComplete(ar -> {
      if (released) return;
      metrics.outboundQueued(-size);
      frames--;
      bytes -= size;
      if (listener != null) listener.drained(this);
    });
    if (!limits.over(frames, bytes)) return true;
    transport.flush(); // completes the writes the socket takes, here and now
    return !limits.over(frames, bytes);
  }

  /**
   * The connection is gone: what it still had queued leaves the node's count now. A transport may drop its queued
   * writes with the channel without completing them (Vert.x's WebSocket after a forced close does), so the count must
   * not wait for their completions.
   */
  void release() {
    if (released) return;
    released = true;
    metrics.outboundQueued(-bytes);
    frames = 0;
    bytes = 0;
  }

  /** Whether {@code moreFrames} frames of {@code moreBytes} characters in all still fit in the paced share. */
  boolean pacedRoom(int moreFrames, long moreBytes) {
    return limits.pacedRoom(frames + moreFrames, bytes + moreBytes);
  }

  /** Whether the backlog is down to half the paced share. */
  boolean pacedHalfDrained() {
    return limits.pacedHalfDrained(frames, bytes);
  }

  /** Frames written and not yet taken by the socket. */
  int frames() {
    return frames;
  }

  /** Characters of those frames. */
  long bytes() {
    return bytes;
  }
}
