package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.testing.TestNode;
import io.vpush.testing.TestNode.Response;
import io.vpush.testing.WsTestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topic subscriptions over real sockets (protocol.md section 7): who may subscribe, delivery, unsubscribe. */
class TopicsIT {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(Settings.TOPICS_PUBLIC, List.of("news.*")));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void subscribeAllowedByTokenClaimOrPublicConfigAndDeniedOtherwise() {
    String user = TestNode.freshUser("topics");
    String token = node.token(user, List.of("market.*", "shop.42"), List.of());
    try (WsTestClient c = node.connect()) {
      c.registered(user, token, Map.of());
      subscribe(c, "market.eurusd");
      subscribe(c, "shop.42");
      subscribe(c, "news.sports");
      c.pingPong(); // no error for any of the three

      subscribe(c, "shop.43");
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
      assertThat(err.getString("address")).isEqualTo("vpush.topic.shop.43");
      subscribe(c, "private");
      assertThat(WsTestClient.isError(c.next(WAIT), "access_denied")).isTrue();
      c.pingPong(); // still open

      publishTopic("market.eurusd", "1.08");
      publishTopic("shop.43", "not for you");
      publishTopic("news.sports", "goal");
      List<JsonObject> got = c.framesUntil(f -> "goal".equals(f.getValue("body")), WAIT);
      assertThat(got).extracting(f -> f.getString("address")).containsExactly("vpush.topic.market.eurusd", "vpush.topic.news.sports");
      JsonObject first = got.get(0);
      assertThat(first.getString("type")).isEqualTo("rec");
      assertThat(first.getJsonObject("headers").getString("id")).isNotBlank();
      assertThat(first.getJsonObject("headers").getString("ts")).matches("\\d+");
      assertThat(first.getJsonObject("headers").containsKey("seq")).isFalse();
    }
  }

  @Test
  void topicMessageReachesEverySubscriberAndUnregisterStopsIt() {
    String a = TestNode.freshUser("suba");
    String b = TestNode.freshUser("subb");
    try (WsTestClient ca = node.connectAs(a, Map.of()); WsTestClient cb = node.connectAs(b, Map.of())) {
      subscribe(ca, "news.flash");
      subscribe(cb, "news.flash");
      ca.pingPong();
      cb.pingPong();
      publishTopic("news.flash", "first");
      assertThat(ca.next(WAIT).getValue("body")).isEqualTo("first");
      assertThat(cb.next(WAIT).getValue("body")).isEqualTo("first");

      ca.send(new JsonObject().put("type", "unregister").put("address", "vpush.topic.news.flash"));
      ca.pingPong(); // the unregister is processed
      publishTopic("news.flash", "second");
      assertThat(cb.next(WAIT).getValue("body")).isEqualTo("second");
      // a gets its next user message with no topic frame before it.
      long marker = node.publishTo(a, "marker");
      JsonObject next = ca.next(WAIT);
      assertThat(WsTestClient.seq(next)).as("%s", next).isEqualTo(marker);
    }
  }

  @Test
  void subscribingBeforeTheUserStreamIsNotRegistered() {
    try (WsTestClient c = node.connect()) {
      subscribe(c, "news.early");
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "not_registered")).as("%s", err).isTrue();
    }
  }

  private static void subscribe(WsTestClient c, String topic) {
    c.send(new JsonObject().put("type", "register").put("address", "vpush.topic." + topic));
  }

  private static void publishTopic(String topic, Object payload) {
    Response r = node.publish(new JsonObject().put("topic", topic).put("payload", payload));
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.json().getString("id")).isNotBlank();
  }
}
