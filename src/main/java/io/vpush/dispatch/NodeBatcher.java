package io.vpush.dispatch;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.batch.BatchLimits;
import io.vpush.batch.Batcher;
import io.vpush.batch.PerLoop;
import io.vpush.protocol.Addresses;
import io.vpush.store.StoredMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends messages to other nodes in batches: everything one event loop dispatches to one node in the same turn goes in
 * one event-bus request (at most {@link #MAX_BATCH} messages), so a burst costs one round trip per node, not one per
 * message. Each loop batches on its own (no lock between loops). Each message's future says whether the node
 * delivered it (false: "gone" or unreachable).
 */
final class NodeBatcher {

  static final int MAX_BATCH = 512;

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final PerLoop<LoopBatches> loops;

  NodeBatcher(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.loops = new PerLoop<>(vertx, LoopBatches::new);
  }

  /** Queues a message for a node; completes true when the node delivered it, false when gone or unreachable. */
  Future<Boolean> send(String nodeId, StoredMessage message) {
    return loops.with(batches -> batches.to(nodeId).add(message));
  }

  private void request(String nodeId, List<StoredMessage> messages, Batcher.Answers<Boolean> answers) {
    vertx.eventBus().<JsonObject>request(Addresses.node(nodeId), NodeWire.deliver(messages), options)
        .onSuccess(reply -> {
          JsonArray gone = reply.body().getJsonArray("gone", new JsonArray());
          boolean[] isGone = new boolean[answers.size()];
          for (Object i : gone) isGone[((Number) i).intValue()] = true;
          for (int i = 0; i < isGone.length; i++) answers.complete(i, !isGone[i]);
        })
        .onFailure(e -> {
          for (int i = 0; i < answers.size(); i++) answers.complete(i, false);
        });
  }

  /** One event loop's batches, one per target node. */
  private final class LoopBatches {

    private final Context context;
    private final Map<String, Batcher<StoredMessage, Boolean>> byNode = new HashMap<>();

    LoopBatches(Context context) {
      this.context = context;
    }

    Batcher<StoredMessage, Boolean> to(String nodeId) {
      return byNode.computeIfAbsent(nodeId, n -> new Batcher<>(context, BatchLimits.perTurn(MAX_BATCH),
          (messages, answers) -> request(n, messages, answers)));
    }
  }
}
