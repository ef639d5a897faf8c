package io.vpush.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vpush.store.StoreUnavailableException;

/** JSON answers for the HTTP API, errors as {@code {"error","message"}}. */
public final class HttpJson {

  private HttpJson() {}

  public static void ok(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body));
  }

  public static void error(RoutingContext ctx, int status, String error, String message) {
    if (ctx.response().ended()) return;
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", error).put("message", message).encode());
  }

  /** 429 with {@code Retry-After} (whole seconds) and the JSON reason {@code rate_limited}. */
  public static void rateLimited(RoutingContext ctx, long retryAfterSeconds, String message) {
    if (ctx.response().ended()) return;
    ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
    error(ctx, 429, "rate_limited", message);
  }

  /** Maps a failure to its status: bad input 400, store down 503, anything else 500. */
  public static void failure(RoutingContext ctx, Throwable e) {
    if (e instanceof BadRequest p) {
      error(ctx, 400, "bad_request", p.getMessage());
    } else if (e instanceof StoreUnavailableException u) {
      error(ctx, 503, "unavailable", u.publicReason());
    } else {
      error(ctx, 500, "internal_error", "internal error");
    }
  }
}
