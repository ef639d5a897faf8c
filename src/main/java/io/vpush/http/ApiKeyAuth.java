package io.vpush.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vpush.config.ApiKeys;
import io.vpush.config.ApiScope;

/**
 * Requires {@code Authorization: Bearer <key>} with a key of the node's {@link ApiKeyRing} that has this route's
 * scope: no key or an unknown (or revoked) one gets 401, a known key without the scope 403 naming the scope; each
 * with a JSON reason, counted by reason, and an accepted request is counted by key name. The key itself is never
 * echoed or logged. The accepted key is left in the routing context ({@link #KEY}) for {@link #fallback}.
 */
public final class ApiKeyAuth implements Handler<RoutingContext> {

  /** The routing-context entry holding the {@link ApiKeys.Key} a request was let through with. */
  public static final String KEY = "vpush.apiKey";

  private final ApiKeyRing ring;
  private final ApiScope scope;

  public ApiKeyAuth(ApiKeyRing ring, ApiScope scope) {
    this.ring = ring;
    this.scope = scope;
  }

  /**
   * The guard of every route no scoped guard matched (an unknown path, a route added without one): it lets through a
   * request an earlier guard accepted, and asks anything else for {@code scope}, so a route nobody mapped is closed.
   */
  public static Handler<RoutingContext> fallback(ApiKeyRing ring, ApiScope scope) {
    ApiKeyAuth auth = new ApiKeyAuth(ring, scope);
    return ctx -> {
      if (ctx.get(KEY) != null) ctx.next();
      else auth.handle(ctx);
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ring.metrics().apiKeyRefused("missing", "http").increment();
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      HttpJson.error(ctx, 401, "unauthorized", "missing 'Authorization: Bearer <api key>'");
      return;
    }
    ApiKeys.Key key = ring.current().match(header.substring(7).trim());
    if (key == null) {
      ring.metrics().apiKeyRefused("unknown", "http").increment();
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      HttpJson.error(ctx, 401, "unauthorized", "unknown or revoked API key");
      return;
    }
    if (!key.allows(scope)) {
      ring.metrics().apiKeyRefused("scope", "http").increment();
      HttpJson.error(ctx, 403, "forbidden", "the API key '" + key.name() + "' lacks the scope '" + scope.label() + "' this route needs");
      return;
    }
    ring.metrics().apiKeyAccepted(key.name(), "http").increment();
    ctx.put(KEY, key);
    ctx.next();
  }
}
