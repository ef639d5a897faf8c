package io.vpush.purge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vpush.batch.BatchLimits;
import io.vpush.batch.Batcher;
import io.vpush.http.HttpJson;

import java.util.List;

/**
 * {@code POST /api/v1/messages}: the HTTP publish door of one event loop (the body limit and API key are checked before
 * it). The valid requests of one turn are published together ({@link Publisher#publishAll}): one request per publish
 * was one store call per publish, on Redis a script call each, where the requests of a turn now share a few
 * multi-user calls. Each request gets its own answer; if the store fails, every request of the shared call fails
 * with it (none was acknowledged).
 */
public final class HttpPublishHandler implements Handler<RoutingContext> {

  /** Requests published together at most; what a turn brings beyond it leaves in further calls. */
  static final int MAX_PER_BATCH = 256;

  private final Publisher publisher;
  private final Batcher<PublishRequest, JsonObject> batcher;

  /** @param context the event loop's context this handler's requests arrive on */
  public HttpPublishHandler(Publisher publisher, Context context) {
    this.publisher = publisher;
    this.batcher = new Batcher<>(context, BatchLimits.perTurn(MAX_PER_BATCH), this::publishAll);
  }

  private void publishAll(List<PublishRequest> requests, Batcher.Answers<JsonObject> answers) {
    List<Future<JsonObject>> results = publisher.publishAll(requests, "http");
    for (int i = 0; i < results.size(); i++) {
      int index = i;
      results.get(i).onComplete(ar -> answers.answer(index, ar));
    }
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
    publish(request)
        .onSuccess(answer -> HttpJson.ok(ctx, 202, answer))
        .onFailure(e -> HttpJson.failure(ctx, e));
  }

  /** Publishes a parsed request with the others of this turn; answered on the caller's context. */
  Future<JsonObject> publish(PublishRequest request) {
    return batcher.add(request);
  }
}
