package io.vpush.purge;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vpush.ops.HttpJson;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /api/v1/messages}: the HTTP publish door (the body limit and API key are checked before it). The valid
 * requests of one event-loop turn are published together ({@link HttpPublishBatcher}).
 */
public final class HttpPublishHandler implements Handler<RoutingContext> {

  private static final AtomicLong HANDLERS = new AtomicLong();

  private final Publisher publisher;
  /** Context data key of an event loop's batcher; unique per handler, so two nodes in one JVM never share one. */
  private final String batcherKey = "vpush.http.publish." + HANDLERS.incrementAndGet();

  public HttpPublishHandler(Publisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      HttpJson.error(ctx, 400, "bad_request", "the body must be a JSON object");
      return;
    }
    PublishRequest request;
    try {
      request = publisher.parse(body, null);
    } catch (PublishException e) {
      HttpJson.failure(ctx, e);
      return;
    }
    batcher().publish(request)
        .onSuccess(answer -> HttpJson.ok(ctx, 202, answer))
        .onFailure(e -> HttpJson.failure(ctx, e));
  }

  /** The batcher of the caller's event loop (its contexts share their context data), made on first use. */
  private HttpPublishBatcher batcher() {
    Context context = Vertx.currentContext();
    HttpPublishBatcher found = context.get(batcherKey);
    if (found == null) {
      found = new HttpPublishBatcher(context, publisher);
      context.put(batcherKey, found);
    }
    return found;
  }
}
