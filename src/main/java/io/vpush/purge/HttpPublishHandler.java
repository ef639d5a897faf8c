package io.vpush.purge;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vpush.ops.HttpJson;

/** {@code POST /api/v1/messages}: the HTTP publish door (the body limit and API key are checked before it). */
public final class HttpPublishHandler implements Handler<RoutingContext> {

  private final Publisher publisher;

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
    publisher.publish(request, "http")
        .onSuccess(answer -> HttpJson.ok(ctx, 202, answer))
        .onFailure(e -> HttpJson.failure(ctx, e));
  }
}
