package io.vpush.client;

/** An error vpush answered with: an {@code err} frame's failureType, or an HTTP error's {@code error}. */
public final class VPushException extends RuntimeException {
  private final String type;

  public VPushException(String type, String message) {
    super(type + ": " + message);
    this.type = type;
  }

  /** {@code access_denied}, {@code rate_limited}, {@code unavailable}, ... */
  public String type() {
    return type;
  }
}
