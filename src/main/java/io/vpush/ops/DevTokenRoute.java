package io.vpush.ops;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vpush.auth.TokenMinter;
import io.vpush.config.VPushConfig;
import io.vpush.http.HttpJson;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Dev mode only: {@code GET /dev/token?user=alice} mints a client token, so the demo page works out of the box. It
 * answers only requests from this machine: a token for any user is a key to every inbox.
 */
public final class DevTokenRoute {

  private final VPushConfig config;

  public DevTokenRoute(VPushConfig config) {
    this.config = config;
  }

  public void mount(Router router) {
    router.get("/dev/token").handler(ctx -> {
      if (!fromThisMachine(ctx.request())) {
        HttpJson.error(ctx, 403, "forbidden", "/dev/token answers only requests from this machine (loopback, not proxied)");
        return;
      }
      String user = ctx.queryParams().get("user");
      if (user == null || user.isBlank()) {
        HttpJson.error(ctx, 400, "bad_request", "give ?user=<id>");
        return;
      }
      String token = TokenMinter.mint(ctx.vertx(), config, user, 24 * 3600, List.of("*"), List.of());
      HttpJson.ok(ctx, 200, new JsonObject().put("token", token).put("user", user).put("dev", true));
    });
  }

  /**
   * A loopback peer that no proxy speaks for: a reverse proxy on this machine forwarding outside traffic connects
   * from loopback too, and says so in {@code Forwarded} / {@code X-Forwarded-For}.
   */
  static boolean fromThisMachine(HttpServerRequest request) {
    if (request.headers().contains("Forwarded") || request.headers().contains("X-Forwarded-For")) return false;
    return isLoopback(request.remoteAddress());
  }

  static boolean isLoopback(SocketAddress peer) {
    if (peer == null || peer.hostAddress() == null) return false;
    try {
      // A literal IP address: no name lookup happens.
      return InetAddress.getByName(peer.hostAddress()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
