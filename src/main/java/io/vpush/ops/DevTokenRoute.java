package io.vpush.ops;

import io.vpush.auth.TokenMinter;
import io.vpush.http.HttpJson;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vpush.config.VPushConfig;

/** Dev mode only: {@code GET /dev/token?user=alice} mints a client token, so the demo page works out of the box. */
public final class DevTokenRoute {

  private final VPushConfig config;

  public DevTokenRoute(VPushConfig config) {
    this.config = config;
  }

  public void mount(Router router) {
    router.get("/dev/token").handler(ctx -> {
      String user = ctx.queryParams().get("user");
      if (user == null || user.isBlank()) {
        HttpJson.error(ctx, 400, "bad_request", "give ?user=<id>");
        return;
      }
      String token = TokenMinter.mint(ctx.vertx(), config, user, 24 * 3600, java.util.List.of("*"), java.util.List.of());
      HttpJson.ok(ctx, 200, new JsonObject().put("token", token).put("user", user).put("dev", true));
    });
  }
}
