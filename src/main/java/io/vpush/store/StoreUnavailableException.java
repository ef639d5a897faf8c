package io.vpush.store;

/**
 * The store cannot be reached, did not answer in time, or refused a user whose keys it cannot use; callers answer
 * {@code unavailable} / 503 and retry later.
 */
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** What a publisher is told: nothing of the store's internals (addresses, commands) unless a subclass says more. */
  public String publicReason() {
    return "the store is unavailable, retry later";
  }
}
