package io.vpush.protocol;

/** A client frame that cannot be handled; carries the error code to answer with. */
public final class FrameException extends Exception {

  private final ErrorCode code;

  public FrameException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() { return code; }
}
