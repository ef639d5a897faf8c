package io.vpush.store;

/**
 * A write the store made but could not confirm as durable as {@code store.durability} asks (too few replicas in time):
 * the publish is refused as unavailable, yet the message may still be delivered, so its reason says so to the publisher.
 */
public final class UnconfirmedWriteException extends StoreUnavailableException {

  public UnconfirmedWriteException(String message) {
    super(message, null);
  }

  @Override
  public String publicReason() {
    return getMessage();
  }
}
