package io.vpush.store;

/** The store cannot be reached or did not answer in time; callers answer {@code unavailable} / 503 and retry later. */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
