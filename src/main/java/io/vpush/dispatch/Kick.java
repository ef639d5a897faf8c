package io.vpush.dispatch;

/**
 * Which connections a kick closes: a user's (of one clientId when not null) that registered no later than
 * {@code registeredBy}, told that {@code byInstance} (the kicking register's client instance, or null) took over.
 *
 * <p>A register kicks only connections older than itself: its kick can reach a node after a newer connection of the
 * same client registered there (the kick looked up the older one's route, or waited on the store), and must not close
 * the newer one. An operator's kick closes every connection it names.
 */
public record Kick(String user, String clientId, long registeredBy, String byInstance) {

  /** An operator's kick: every connection of the user (of one clientId when not null), whenever it registered. */
  public static Kick operator(String user, String clientId) {
    return new Kick(user, clientId, Long.MAX_VALUE, null);
  }

  /** A register that began at {@code startedAtMs} replacing older connections of (user, clientId). */
  public static Kick replacing(String user, String clientId, long startedAtMs, String byInstance) {
    return new Kick(user, clientId, startedAtMs, byInstance);
  }

  /** Whether a connection of {@code clientId} that registered at {@code registeredAtMs} is closed by this kick. */
  public boolean closes(String connectionClientId, long registeredAtMs) {
    return (clientId == null || clientId.equals(connectionClientId)) && registeredAtMs <= registeredBy;
  }
}
