package io.vpush.store;

import java.util.Collections;
import java.util.List;

/**
 * A shared accept in which the store refused some users' messages and accepted the rest: the call as a whole failed,
 * and {@link #accepted()} says which messages were accepted all the same.
 *
 * <p>The store refuses a user whose keys it cannot use (data of another type under the user's names): that user's
 * messages fail, and the others of the call must not fail with them. It is a {@link StoreUnavailableException}, so a
 * caller that retries a failed call as a whole goes on doing so (acceptance is idempotent by id), and a door that
 * answers several requests from one call answers those whose messages were all accepted.
 */
public final class PartialAcceptException extends StoreUnavailableException {

  // Not serialized: the exception never leaves the node.
  private final transient List<Accepted> accepted;

  /** {@code accepted} is in the call's order, with null where the message's user was refused. */
  public PartialAcceptException(String message, List<Accepted> accepted) {
    super(message, null);
    this.accepted = Collections.unmodifiableList(accepted);
  }

  /** The answers in the call's order; null where the message's user was refused. */
  public List<Accepted> accepted() {
    return accepted;
  }

  /** Whether the {@code count} messages from index {@code from} were all accepted. */
  public boolean allAccepted(int from, int count) {
    for (int i = from; i < from + count; i++) {
      if (accepted.get(i) == null) return false;
    }
    return true;
  }
}
