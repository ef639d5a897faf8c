package io.vpush.protocol;

/** The error codes of the wire protocol: the {@code failureType} of an {@code err} frame and its numeric {@code failureCode}. */
public enum ErrorCode {
  ACCESS_DENIED(403, "access_denied"),
  BAD_FRAME(400, "bad_frame"),
  FRAME_TOO_LARGE(413, "frame_too_large"),
  RATE_LIMITED(429, "rate_limited"),
  NOT_REGISTERED(409, "not_registered"),
  UNAVAILABLE(503, "unavailable"),
  INTERNAL_ERROR(500, "internal_error");

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  /** The HTTP-like status carried as {@code failureCode}. */
  public int status() { return status; }

  /** The string carried as {@code failureType} and {@code body}. */
  public String code() { return code; }
}
