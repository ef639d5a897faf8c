package io.vpush.purge;

import io.vertx.core.Future;
import io.vpush.dispatch.Dispatcher;
import io.vpush.store.StoredMessage;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a publisher hands on, for tests of the purge role that have no session to deliver to. */
final class RecordingDispatcher implements Dispatcher {

  final List<StoredMessage> dispatched = new CopyOnWriteArrayList<>();

  @Override
  public Future<Void> dispatch(StoredMessage message) {
    dispatched.add(message);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publishTopic(String topic, String frame) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Integer> kick(io.vpush.dispatch.Kick kick, boolean localToo) {
    return Future.succeededFuture(0);
  }
}
