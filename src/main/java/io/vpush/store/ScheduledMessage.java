package io.vpush.store;

/**
 * A message with a future delivery time, durably queued until it is due; it gets its seq when released.
 *
 * @param message   the message to accept when due
 * @param deliverAt when it is due, epoch ms
 */
public record ScheduledMessage(NewMessage message, long deliverAt) {

  public String id() {
    return message.id() + "@" + message.user();
  }
}
