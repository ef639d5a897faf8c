package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.protocol.Addresses;
import io.vpush.store.StoredMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends messages to other nodes in batches: everything dispatched to one node in the same event-loop tick goes in
 * one event-bus request (at most {@link #MAX_BATCH} messages), so a burst costs one round trip per node, not one
 * per message. Each message's future says whether the node delivered it (false: "gone" or unreachable).
 */
final class NodeBatcher {

  static final int MAX_BATCH = 512;

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final ConcurrentHashMap<String, Batch> pending = new ConcurrentHashMap<>();

  NodeBatcher(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** Queues a message for a node; completes true when the node delivered it, false when gone or unreachable. */
  Future<Boolean> send(String nodeId, StoredMessage message) {
    Promise<Boolean> promise = Promise.promise();
    boolean first;
    synchronized (this) {
      Batch batch = pending.computeIfAbsent(nodeId, n -> new Batch());
      first = batch.messages.isEmpty();
      batch.messages.add(message);
      batch.promises.add(promise);
      if (batch.messages.size() >= MAX_BATCH) {
        pending.remove(nodeId);
        flush(nodeId, batch);
        first = false;
      }
    }
    // The first message of a batch schedules its flush after the current tick's other dispatches.
    if (first) vertx.getOrCreateContext().runOnContext(v -> flush(nodeId));
    return promise.future();
  }

  private void flush(String nodeId) {
    Batch batch;
    synchronized (this) {
      batch = pending.remove(nodeId);
    }
    if (batch != null) flush(nodeId, batch);
  }

  private void flush(String nodeId, Batch batch) {
    vertx.eventBus().<JsonObject>request(Addresses.node(nodeId), NodeWire.deliver(batch.messages), options)
        .onSuccess(reply -> {
          JsonArray gone = reply.body().getJsonArray("gone", new JsonArray());
          boolean[] isGone = new boolean[batch.promises.size()];
          for (Object i : gone) isGone[((Number) i).intValue()] = true;
          for (int i = 0; i < isGone.length; i++) batch.promises.get(i).complete(!isGone[i]);
        })
        .onFailure(e -> batch.promises.forEach(p -> p.complete(false)));
  }

  private static final class Batch {
    final List<StoredMessage> messages = new ArrayList<>();
    final List<Promise<Boolean>> promises = new ArrayList<>();
  }
}
