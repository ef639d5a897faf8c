package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vpush.store.StoredMessage;

import java.util.List;

/**
 * This node's connections, as dispatch sees them: implemented by the access role's shard directory; a node without
 * the access role holds nobody ({@link #NONE}). Every method may be called from any thread.
 */
public interface LocalDelivery {

  /** Hands a message to its user's sessions on this node; false when the user has none here. */
  boolean deliver(StoredMessage message);

  /**
   * Hands several messages on, one hop per shard that holds some of their users.
   *
   * @return the indexes of the messages whose user has no session here
   */
  List<Integer> deliverAll(List<StoredMessage> messages);

  /** Sends a topic frame to this node's subscribers of the topic. */
  void deliverTopic(String topic, String frame);

  /** Closes the sessions here that {@code kick} names; completes with how many. */
  Future<Integer> kick(Kick kick);

  /** The node without the access role. */
  LocalDelivery NONE = new LocalDelivery() {
    @Override
    public boolean deliver(StoredMessage message) {
      return false;
    }

    @Override
    public List<Integer> deliverAll(List<StoredMessage> messages) {
      return java.util.stream.IntStream.range(0, messages.size()).boxed().toList();
    }

    @Override
    public void deliverTopic(String topic, String frame) {
    }

    @Override
    public Future<Integer> kick(Kick kick) {
      return Future.succeededFuture(0);
    }
  };
}
