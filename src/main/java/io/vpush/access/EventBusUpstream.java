package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vpush.protocol.Addresses;

/** Upstream and presence on the event bus only ({@code vpush.upstream.in}, {@code vpush.presence}): the sink when Kafka is off. */
public final class EventBusUpstream implements UpstreamSink {

  /** Event-bus address of connect/disconnect events. */
  public static final String PRESENCE_ADDRESS = "vpush.presence";

  private final EventBus bus;

  public EventBusUpstream(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public Future<Void> upstream(String userId, JsonObject record) {
    bus.publish(Addresses.UPSTREAM_IN, record);
    return Future.succeededFuture();
  }

  @Override
  public void presence(String userId, JsonObject event) {
    bus.publish(PRESENCE_ADDRESS, event);
  }
}
