package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.metrics.Metrics;
import io.vpush.protocol.Addresses;

/**
 * This node's clustered address {@code vpush.node.<id>}, one consumer per event loop (a verticle instance each, so
 * remote delivery batches are spread over the loops): hands remote dispatches to the node's shards, answers "gone" for
 * users not here, runs kicks, and applies register holds to the node's L1 route cache.
 */
public final class NodeEndpoint extends VerticleBase {

  private final String nodeId;
  private final LocalDelivery local;
  private final RouteCache cache;
  private final Metrics metrics;
  private MessageConsumer<JsonObject> consumer;

  public NodeEndpoint(String nodeId, LocalDelivery local, RouteCache cache, Metrics metrics) {
    this.nodeId = nodeId;
    this.local = local;
    this.cache = cache;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.node(nodeId), this::handle);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void handle(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    switch (body.getString("t", "")) {
      case NodeWire.DELIVER -> {
        metrics.remoteBatchHandled(Thread.currentThread().getName());
        msg.reply(new JsonObject().put("gone", new JsonArray(local.deliverAll(NodeWire.messages(body)))));
      }
      case NodeWire.KICK -> local.kick(NodeWire.kick(body))
          .onComplete(ar -> msg.reply(new JsonObject().put("kicked", ar.succeeded() ? ar.result() : 0)));
      case NodeWire.HOLD -> {
        for (Object u : body.getJsonArray("u")) cache.hold((String) u);
        msg.reply(new JsonObject());
      }
      default -> msg.fail(400, "unknown node message type");
    }
  }
}
