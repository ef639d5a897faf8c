package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vpush.store.StoredMessage;

/** Dispatch for a standalone node: every connection is on this node. */
public final class LocalDispatcher implements Dispatcher {

  private final LocalDelivery local;

  public LocalDispatcher(LocalDelivery local) {
    this.local = local;
  }

  @Override
  public Future<Void> dispatch(StoredMessage message) {
    local.deliver(message);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publishTopic(String topic, String frame) {
    local.deliverTopic(topic, frame);
    return Future.succeededFuture();
  }

  @Override
  public Future<Integer> kick(Kick kick, boolean localToo) {
    return localToo ? local.kick(kick) : Future.succeededFuture(0);
  }
}
