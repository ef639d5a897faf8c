package io.vpush.purge.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.KafkaBroker;
import io.vpush.testing.NeedsKafka;
import io.vpush.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /health/ready} of a purge node with Kafka on: 200 with store and kafka UP; 503 with kafka DOWN (store
 * still UP) while its private broker is stopped; 200 again once the broker is back.
 */
@NeedsKafka
class KafkaReadinessTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void readyFollowsTheBroker() throws Exception {
    Vertx vertx = Vertx.vertx();
    TestNode node = null;
    try (KafkaBroker broker = KafkaBroker.start()) {
      node = TestNode.start(vertx, TestNode.kafkaConfig(broker.bootstrap(), "ready" + System.nanoTime(), Map.of()));
      URI ready = URI.create("http://127.0.0.1:" + node.port() + "/health/ready");

      JsonObject up = awaitReady(ready, 200);
      assertThat(statusOf(up, "store")).isEqualTo("UP");
      assertThat(statusOf(up, "kafka")).isEqualTo("UP");

      broker.stop();
      JsonObject down = awaitReady(ready, 503);
      assertThat(down.getString("status")).isEqualTo("DOWN");
      assertThat(statusOf(down, "kafka")).isEqualTo("DOWN");
      assertThat(statusOf(down, "store")).isEqualTo("UP");

      broker.restart();
      JsonObject back = awaitReady(ready, 200);
      assertThat(statusOf(back, "kafka")).isEqualTo("UP");
    } finally {
      if (node != null) node.close();
      vertx.close().await();
    }
  }

  /**
   * Polls until the endpoint answers {@code code}: the node notices an external process's state within one probe
   * timeout plus the cache period; each request waits for the node's answer, which paces the loop.
   */
  private static JsonObject awaitReady(URI ready, int code) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    HttpResponse<String> last;
    do {
      last = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (last.statusCode() == code) return new JsonObject(last.body());
    } while (System.nanoTime() < deadline);
    throw new AssertionError("/health/ready never answered " + code + "; last " + last.statusCode() + " " + last.body());
  }

  static String statusOf(JsonObject health, String id) {
    for (Object o : health.getJsonArray("checks", new JsonArray())) {
      JsonObject check = (JsonObject) o;
      if (id.equals(check.getString("id"))) return check.getString("status");
    }
    return null;
  }
}
