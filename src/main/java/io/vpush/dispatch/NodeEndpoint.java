package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.access.Hub;
import io.vpush.protocol.Addresses;
import io.vpush.store.StoredMessage;

import java.util.List;

/**
 * This node's one clustered consumer, {@code vpush.node.<id>}, and its share of the topic broadcast
 * ({@code vpush.topics}): hands remote dispatches to the local hub, answers "gone" for users not here, runs kicks,
 * and applies register holds to the local L1 cache.
 */
public final class NodeEndpoint {

  /** Clustered publish address of topic frames; one consumer per node. */
  public static final String TOPICS = "vpush.topics";

  private final EventBus bus;
  private final String nodeId;
  private final Hub hub;
  private final RouteCache cache;
  private MessageConsumer<JsonObject> node;
  private MessageConsumer<JsonObject> topics;

  public NodeEndpoint(EventBus bus, String nodeId, Hub hub, RouteCache cache) {
    this.bus = bus;
    this.nodeId = nodeId;
    this.hub = hub;
    this.cache = cache;
  }

  public Future<Void> start() {
    node = bus.consumer(Addresses.node(nodeId), this::handle);
    topics = bus.consumer(TOPICS, m -> hub.deliverTopic(m.body().getString("topic"), m.body().getString("frame")));
    return Future.all(node.completion(), topics.completion()).mapEmpty();
  }

  public Future<Void> stop() {
    if (node == null) return Future.succeededFuture();
    return Future.join(node.unregister(), topics.unregister()).mapEmpty();
  }

  private void handle(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    switch (body.getString("t", "")) {
      case NodeWire.DELIVER -> {
        List<StoredMessage> messages = NodeWire.messages(body);
        JsonArray gone = new JsonArray();
        for (int i = 0; i < messages.size(); i++) {
          if (hub.deliver(messages.get(i)) == 0) gone.add(i);
        }
        msg.reply(new JsonObject().put("gone", gone));
      }
      case NodeWire.KICK -> msg.reply(new JsonObject().put("kicked", hub.kick(body.getString("u"), body.getString("c"), null)));
      case NodeWire.HOLD -> {
        for (Object u : body.getJsonArray("u")) cache.hold((String) u);
        msg.reply(new JsonObject());
      }
      default -> msg.fail(400, "unknown node message type");
    }
  }
}
