package io.vpush.store;

/**
 * A message with a future delivery time, durably queued until it is due; it gets its seq when released.
 *
 * @param message   the message to accept when due
 * @param deliverAt when it is due, epoch ms
 */
public record ScheduledMessage(NewMessage message, long deliverAt) {

  /**
   * The delay-queue key of this message: one per (user, id), and no two pairs share one. The user goes first with its
   * length, so where it ends is never a guess: {@code id + "@" + user} made user {@code b@c} with id {@code a} and user
   * {@code c} with id {@code a@b} one key, and the second was never delivered.
   */
  public String id() {
    return key(message.user(), message.id());
  }

  /** The delay-queue key of (user, id): {@code <user length>:<user>|<id>}. */
  public static String key(String user, String id) {
    return user.length() + ":" + user + "|" + id;
  }
}
