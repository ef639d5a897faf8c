package io.vpush.protocol;

/** WebSocket close codes vpush uses (SockJS transports get the same code and reason in their close frame). */
public final class CloseCodes {
  private CloseCodes() {}

  /** Slow consumer, idle timeout and other limits. */
  public static final short POLICY = 1008;
  /** A client frame over {@code frame.maxBytes}. */
  public static final short TOO_LARGE = 1009;
  /** Graceful shutdown: reconnect elsewhere. */
  public static final short SERVICE_RESTART = 1012;
  /** Not authenticated in time, or a bad token. */
  public static final short NOT_AUTHENTICATED = 4001;
  /** Replaced by a newer connection with the same clientId, or kicked by an operator. */
  public static final short KICKED = 4003;
}
