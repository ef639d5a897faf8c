package io.vpush.ops;

import io.vpush.auth.TokenMinter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.VPushProcess;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** Settings and helpers for tests against a {@code target/vpush.jar} process in production mode. */
final class ProcessTraffic {

  static final String SECRET = "process-it-secret-0123456789abcdef-0123456789";
  static final String API_KEY = "process-it-api-key";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ProcessTraffic() {}

  static VPushProcess.Builder production() {
    return VPushProcess.builder().env(Map.of("VPUSH_MODE", "production", "VPUSH_STORE", "memory", "VPUSH_JWT_SECRET", SECRET,
        "VPUSH_API_KEY", API_KEY, "VPUSH_TCP_BRIDGE_ENABLED", "false"));
  }

  static String token(Vertx vertx, String user) {
    VPushConfig config = VPushConfig.defaults().with(Map.of(Settings.JWT_SECRET, SECRET, Settings.API_KEY, API_KEY), "test");
    return TokenMinter.mint(vertx, config, user, 3600, List.of(), List.of());
  }

  static void publish(VPushProcess node, JsonObject body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.uri("/api/v1/messages"))
        .header("Authorization", "Bearer " + API_KEY).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) throw new AssertionError("publish answered " + r.statusCode() + " " + r.body());
  }
}
