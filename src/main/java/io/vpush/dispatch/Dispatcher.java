package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vpush.store.StoredMessage;

/** Hands accepted messages to the nodes that hold the user's connections, and reaches connections cluster-wide. */
public interface Dispatcher {

  /** Hands a message to every node holding a connection of its user; completes when handed on, not when delivered. */
  Future<Void> dispatch(StoredMessage message);

  /** Sends a topic frame to every access node. */
  Future<Void> publishTopic(String topic, String frame);

  /**
   * Closes the connections {@code kick} names on every node.
   *
   * @param localToo false when the caller already handled this node (a register replacing an older connection)
   * @return how many connections were kicked
   */
  Future<Integer> kick(Kick kick, boolean localToo);

  /**
   * Completes when every message handed to this dispatcher so far has been handed on (or given up on): the
   * shutdown's "dispatch drains what it holds". A dispatcher that hands on synchronously holds nothing.
   */
  default Future<Void> drain() {
    return Future.succeededFuture();
  }
}
