package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vpush.access.Hub;
import io.vpush.store.StoredMessage;

/** Dispatch for a standalone node: every connection is in this node's hub. */
public final class LocalDispatcher implements Dispatcher {

  private final Hub hub;

  public LocalDispatcher(Hub hub) {
    this.hub = hub;
  }

  @Override
  public Future<Void> dispatch(StoredMessage message) {
    hub.deliver(message);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publishTopic(String topic, String frame) {
    hub.deliverTopic(topic, frame);
    return Future.succeededFuture();
  }

  @Override
  public Future<Integer> kick(String user, String clientId, boolean localToo) {
    return Future.succeededFuture(localToo ? hub.kick(user, clientId, null) : 0);
  }
}
