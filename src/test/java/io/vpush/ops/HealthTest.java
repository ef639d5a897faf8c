package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Liveness and readiness of a Redis-engine node, with the real redis-server up, frozen (SIGSTOP) and back. */
@NeedsRedis
class HealthTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void readinessFollowsTheStore() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start()) {
      Map<Setting<?>, Object> s = new HashMap<>(MetricsTest.base());
      s.put(Settings.STORE, "redis");
      s.put(Settings.REDIS_URL, List.of(redis.url()));
      VPushNode node = MetricsTest.await(VPushNode.start(vertx, VPushConfig.defaults().with(s, "test")));
      try {
        HttpResponse<String> up = get(node, "/health/ready");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(check(up, "store").getString("status")).isEqualTo("UP");

        redis.pause();
        HttpResponse<String> down = get(node, "/health/ready");
        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(new JsonObject(down.body()).getString("status")).isEqualTo("DOWN");
        assertThat(check(down, "store").getString("status")).isEqualTo("DOWN");
        HttpResponse<String> live = get(node, "/health/live");
        assertThat(live.statusCode()).as("liveness does not depend on the store").isEqualTo(200);

        redis.resume();
        HttpResponse<String> back = get(node, "/health/ready");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(check(back, "store").getString("status")).isEqualTo("UP");
      } finally {
        redis.resume();
        MetricsTest.await(node.close());
      }
    } finally {
      MetricsTest.await(vertx.close());
    }
  }

  private static JsonObject check(HttpResponse<String> r, String id) {
    JsonArray checks = new JsonObject(r.body()).getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) return checks.getJsonObject(i);
    }
    throw new AssertionError("no check '" + id + "' in " + r.body());
  }

  private static HttpResponse<String> get(VPushNode node, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
