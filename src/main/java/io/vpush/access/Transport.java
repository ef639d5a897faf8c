package io.vpush.access;

import io.vertx.core.Future;

/** One client connection's socket, raw WebSocket or SockJS, as the session sees it: text frames in and out, and a close. */
public interface Transport {

  /** Writes one text frame; the future completes when it left the write queue. */
  Future<Void> write(String frame);

  /**
   * Hands what was written to the socket now, not at the end of the event-loop turn: a burst written in one turn is then
   * judged by what the socket could not take. Transports that flush every frame do nothing.
   */
  default void flush() {
  }

  /** Closes with a WebSocket close code (SockJS transports carry it in their close frame). */
  void close(short code, String reason);

  /** {@code websocket} or {@code sockjs}: the metrics label and whether pings are answered. */
  String kind();

  /** Whether a {@code ping} gets a {@code pong} (raw WebSocket only: the stock SockJS client logs unknown frames). */
  default boolean answersPing() {
    return "websocket".equals(kind());
  }

  /** A query parameter of the connection's URL ({@code ?token=}), or null. */
  String queryParam(String name);

  /** The peer's address, for logs. */
  String remoteAddress();
}
