package io.vpush.purge;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vpush.limit.NodeRate;
import io.vpush.protocol.Addresses;
import io.vpush.protocol.ErrorCode;
import io.vpush.store.StoreUnavailableException;

/**
 * The event-bus publish door: request/reply on {@code vpush.publish}, for in-cluster JVMs and the TCP bridge.
 * Failures are replied as event-bus failures whose code and message match protocol.md's error codes.
 */
public final class EventBusPublishDoor extends VerticleBase {

  private final Publisher publisher;
  /** The node's publish rate: over it, the reply fails with rate_limited (429). */
  private final NodeRate rate;
  private MessageConsumer<Object> consumer;

  public EventBusPublishDoor(Publisher publisher, NodeRate rate) {
    this.publisher = publisher;
    this.rate = rate;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.PUBLISH, this::handle);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Publishes one request; the door label tells the metrics where it came from (eventbus or tcp). */
  public void handle(Message<Object> msg) {
    String door = "tcp".equals(msg.headers().get("vpush-door")) ? "tcp" : "eventbus";
    long retryAfter = rate.admit(door);
    if (retryAfter > 0) {
      msg.fail(ErrorCode.RATE_LIMITED.status(), rate.refusal(retryAfter));
      return;
    }
    Object raw = msg.body();
    JsonObject body = raw instanceof JsonObject o ? o : null;
    if (body == null && raw instanceof String s) {
      try {
        body = new JsonObject(s);
      } catch (RuntimeException e) {
        body = null;
      }
    }
    PublishRequest request;
    try {
      request = publisher.parse(body, null);
    } catch (PublishException e) {
      msg.fail(ErrorCode.BAD_FRAME.status(), e.getMessage());
      return;
    }
    publisher.publish(request, door)
        .onSuccess(msg::reply)
        .onFailure(e -> {
          if (e instanceof StoreUnavailableException u) msg.fail(ErrorCode.UNAVAILABLE.status(), u.publicReason());
          else msg.fail(ErrorCode.INTERNAL_ERROR.status(), "internal error");
        });
  }
}
