package io.vpush.node;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.config.ApiScope;
import io.vpush.http.ApiKeyAuth;
import io.vpush.http.ApiKeyRing;
import io.vpush.http.HttpJson;
import io.vpush.http.OriginPolicy;
import io.vpush.limit.NodeRate;
import io.vpush.ops.AdminApi;
import io.vpush.ops.ConnectRoute;
import io.vpush.ops.DevTokenRoute;
import io.vpush.ops.NodeOps;
import io.vpush.ops.OpsRoutes;
import io.vpush.purge.HttpPublishHandler;
import io.vpush.purge.Publisher;

import java.util.Set;
import java.util.function.BooleanSupplier;

/** The node's HTTP routes besides the client endpoints: the publish door, the admin, ops and stats API, static pages. */
final class ApiRoutes {

  private final VPushConfig config;
  private final Publisher publisher;
  private final NodeRate publishes;
  private final AdminApi admin;
  private final ConnectRoute connect;
  private final OpsRoutes ops;
  private final NodeOps nodeOps;
  private final BooleanSupplier closing;
  private final ApiKeyRing keys;

  /** @param closing true once the node began to shut down: the publish door then answers 503 */
  ApiRoutes(VPushConfig config, Publisher publisher, NodeRate publishes, AdminApi admin, ConnectRoute connect, OpsRoutes ops, NodeOps nodeOps,
            BooleanSupplier closing, ApiKeyRing keys) {
    this.config = config;
    this.publisher = publisher;
    this.publishes = publishes;
    this.admin = admin;
    this.connect = connect;
    this.ops = ops;
    this.nodeOps = nodeOps;
    this.closing = closing;
    this.keys = keys;
  }

  private static CorsHandler cors(OriginPolicy origins) {
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type"))
        .maxAgeSeconds(600);
    if (origins.allowsAny()) return cors;
    if (!origins.exactOrigins().isEmpty()) cors.addOrigins(origins.exactOrigins());
    if (!origins.wildcardPatterns().isEmpty()) cors.addOriginsWithRegex(origins.wildcardPatterns());
    return cors;
  }

  /** Mounts the routes on one HTTP verticle's router; on that verticle's context. */
  void mount(Vertx vertx, Router router) {
    // CORS first (a preflight carries no key): only for the origins configured; none configured, same origin only.
    OriginPolicy origins = OriginPolicy.from(config);
    if (origins.allowsCrossOrigin()) router.route("/api/*").handler(cors(origins));
    if (config.hasRole("purge")) {
      router.post("/api/v1/messages")
          .handler(BodyHandler.create().setBodyLimit(config.get(Settings.PUBLISH_MAX_BODY_BYTES)).setHandleFileUploads(false))
          .handler(new ApiKeyAuth(keys, ApiScope.PUBLISH))
          // Shutting down: the HTTP door stops taking messages with the others, so callers retry on another node.
          .handler(ctx -> {
            if (closing.getAsBoolean()) HttpJson.error(ctx, 503, "unavailable", "this node is shutting down");
            else ctx.next();
          })
          .handler(this::publishRate)
          .handler(new HttpPublishHandler(publisher, vertx.getOrCreateContext()));
    }
    // For clients: where to connect, no key.
    connect.mount(router);
    // API key scopes by route (docs/security.md): each guard has its handler's exact pattern; any other /api route,
    // mapped or not, needs admin (the fallback), so a route added without a guard is closed, not open to every key.
    router.route("/api/v1/users/*").handler(new ApiKeyAuth(keys, ApiScope.ADMIN));
    router.route("/api/v1/admin/*").handler(new ApiKeyAuth(keys, ApiScope.ADMIN));
    router.get("/api/v1/nodes").handler(new ApiKeyAuth(keys, ApiScope.STATS));
    router.get("/api/v1/stats").handler(new ApiKeyAuth(keys, ApiScope.STATS));
    router.route("/api/*").handler(ApiKeyAuth.fallback(keys, ApiScope.ADMIN));
    router.post("/api/v1/admin/keys/reload").handler(this::reloadKeys);
    admin.mount(router);
    ops.mount(vertx, router);
    nodeOps.mount(router);
    if (config.isDev()) new DevTokenRoute(config).mount(router);
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("webroot"));
    router.route("/api/*").last().handler(ctx -> HttpJson.error(ctx, 404, "not_found", "no such API route"));
    // BodyHandler answers an over-limit body with a bare 413; give it the JSON reason.
    router.errorHandler(413, ctx -> HttpJson.error(ctx, 413, "too_large",
        "the body is larger than " + config.get(Settings.PUBLISH_MAX_BODY_BYTES) + " bytes"));
  }

  /** Re-reads api.keysFile now: 200 with the key names and scopes in use, or 422 with the reason (the old keys stay). */
  private void reloadKeys(RoutingContext ctx) {
    if (!keys.hasFile()) {
      HttpJson.error(ctx, 409, "no_keys_file", "no api.keysFile is configured: there is nothing to reload");
      return;
    }
    keys.reload("POST /api/v1/admin/keys/reload")
        .onSuccess(k -> HttpJson.ok(ctx, 200, new io.vertx.core.json.JsonObject().put("keys", new io.vertx.core.json.JsonObject(
            new java.util.LinkedHashMap<String, Object>(k.describe())))))
        .onFailure(e -> HttpJson.error(ctx, 422, "invalid_keys_file", e.getMessage() + "; the " + keys.current().size() + " keys in use stay"));
  }

  /** An HTTP publish over the node's publish rate is answered 429 + Retry-After, before its body is parsed. */
  private void publishRate(RoutingContext ctx) {
    long retryAfter = publishes.admit("http");
    if (retryAfter == 0) ctx.next();
    else HttpJson.rateLimited(ctx, retryAfter, publishes.refusal(retryAfter));
  }
}
