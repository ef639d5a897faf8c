package io.vpush.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.auth.TokenMinter;
import io.vpush.config.Settings;
import io.vpush.testing.Hs256Tokens;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token expiry on a live connection over a real WebSocket: the warning ({@code control: refresh}) ahead of exp, a
 * {@code vpush.refresh} that moves the deadline, the 4001 {@code token expired} close without one, and the refusals
 * (another user's token, an expired or invalid one). Tokens live a few seconds; the tests wait for frames and closes.
 */
class TokenRefreshIT {

  /** Long enough for any of these short tokens to be warned, refreshed and expired. */
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static TestNode node;

  @BeforeAll
  static void start() {
    // No clock skew allowed and a lead of 1 s, so a token of a few seconds is warned, then closed, within the test.
    node = TestNode.start(Map.of(Settings.JWT_LEEWAY_SECONDS, 0, Settings.JWT_REFRESH_AHEAD_SECONDS, 1));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  private static String token(String user, long ttlSeconds) {
    return Hs256Tokens.mint(TestNode.SECRET, user, ttlSeconds);
  }

  private static long expMs(String jwt) {
    String claims = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
    return new JsonObject(claims).getLong("exp") * 1000;
  }

  private static JsonObject refresh(WsTestClient c, String token) {
    return c.request("vpush.refresh", new JsonObject().put("token", token));
  }

  @Test
  void aWarnedConnectionThatRefreshesOutlivesItsOldTokenAndIsWarnedAgain() {
    String user = TestNode.freshUser("refresh");
    String first = token(user, 3);
    double accepted = node.metric("vpush_token_refreshes_total", "result=\"accepted\"");
    try (WsTestClient c = node.connect()) {
      c.registered(user, first, Map.of());
      JsonObject warning = c.awaitControl("refresh", WAIT);
      long oldDeadline = warning.getJsonObject("body").getLong("deadline");
      assertThat(oldDeadline).as("close deadline = exp (no leeway)").isEqualTo(expMs(first));
      assertThat(warning.getJsonObject("body").getLong("inMs")).isBetween(0L, 3_000L);
      assertThat(System.currentTimeMillis()).as("warned before the deadline").isLessThan(oldDeadline);

      String second = token(user, 5);
      JsonObject reply = refresh(c, second);
      assertThat(reply.getString("type")).as("%s", reply).isEqualTo("rec");
      assertThat(reply.getJsonObject("body").getBoolean("ok")).isTrue();
      assertThat(reply.getJsonObject("body").getLong("deadline")).isEqualTo(expMs(second));

      // The next frame is the second token's warning, after the first token's deadline: not closed at the old exp.
      JsonObject again = c.awaitControl("refresh", WAIT);
      assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(oldDeadline);
      assertThat(again.getJsonObject("body").getLong("deadline")).isEqualTo(expMs(second));
      assertThat(c.isClosed()).isFalse();
      c.pingPong();
      node.publishTo(user, "still here");
      assertThat(c.awaitMessage(WAIT).getString("body")).isEqualTo("still here");
    }
    assertThat(node.metric("vpush_token_refreshes_total", "result=\"accepted\"")).isEqualTo(accepted + 1);
  }

  @Test
  void withoutARefreshTheConnectionIsClosedWith4001AtExp() {
    String user = TestNode.freshUser("expire");
    String jwt = token(user, 2);
    double expired = node.metric("vpush_disconnects_total", "reason=\"token_expired\"");
    try (WsTestClient c = node.connect()) {
      c.registered(user, jwt, Map.of());
      c.awaitControl("refresh", WAIT);
      JsonObject err = c.awaitFrame(f -> "err".equals(f.getString("type")), WAIT);
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
      assertThat(err.getString("message")).isEqualTo("token expired");
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4001);
      assertThat(c.closeReason()).isEqualTo("token expired");
      assertThat(System.currentTimeMillis()).as("not before exp").isGreaterThanOrEqualTo(expMs(jwt));
    }
    node.awaitMetric("vpush_disconnects_total", "reason=\"token_expired\"", v -> v >= expired + 1, WAIT);
  }

  @Test
  void anotherUsersTokenIsRefusedAndTheOldDeadlineStands() {
    String user = TestNode.freshUser("mine");
    String jwt = token(user, 3);
    double refused = node.metric("vpush_token_refreshes_total", "result=\"refused\"");
    try (WsTestClient c = node.connect()) {
      c.registered(user, jwt, Map.of());
      JsonObject err = refresh(c, token(TestNode.freshUser("theirs"), 3600));
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
      assertThat(err.getString("message")).isEqualTo("token subject does not match the user");
      // Still open, still this user's stream, and still closed at its own token's exp.
      node.publishTo(user, "mine");
      assertThat(c.awaitMessage(WAIT).getString("body")).isEqualTo("mine");
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4001);
      assertThat(c.closeReason()).isEqualTo("token expired");
    }
    assertThat(node.metric("vpush_token_refreshes_total", "result=\"refused\"")).isEqualTo(refused + 1);
  }

  @Test
  void expiredInvalidAndMissingTokensAreRefusedAndTheConnectionStays() {
    String user = TestNode.freshUser("badrefresh");
    try (WsTestClient c = node.connect()) {
      c.registered(user, node.token(user), Map.of());
      JsonObject expired = refresh(c, token(user, -60));
      assertThat(WsTestClient.isError(expired, "access_denied")).as("%s", expired).isTrue();
      assertThat(expired.getString("message")).isEqualTo("invalid or expired token");
      JsonObject invalid = refresh(c, "not.a.jwt");
      assertThat(WsTestClient.isError(invalid, "access_denied")).as("%s", invalid).isTrue();
      JsonObject forged = refresh(c, Hs256Tokens.mint("another-secret-0123456789abcdef-0123456789", user, 3600));
      assertThat(WsTestClient.isError(forged, "access_denied")).as("%s", forged).isTrue();
      JsonObject missing = c.request("vpush.refresh", new JsonObject());
      assertThat(WsTestClient.isError(missing, "bad_frame")).as("%s", missing).isTrue();
      c.pingPong();
      node.publishTo(user, "after refusals");
      assertThat(c.awaitMessage(WAIT).getString("body")).isEqualTo("after refusals");
    }
  }

  @Test
  void topicsOutsideTheNewGrantAreDropped() {
    String user = TestNode.freshUser("topics");
    String topicA = "refresh-a-" + user;
    String topicB = "refresh-b-" + user;
    String both = TokenMinter.mint(node.vertx(), node.config(), user, 3600, List.of(topicA, topicB), List.of());
    String onlyB = TokenMinter.mint(node.vertx(), node.config(), user, 3600, List.of(topicB), List.of());
    try (WsTestClient c = node.connect()) {
      c.registered(user, both, Map.of());
      for (String t : List.of(topicA, topicB)) {
        c.send(new JsonObject().put("type", "register").put("address", "vpush.topic." + t).put("headers", new JsonObject()));
      }
      c.pingPong(); // the subscriptions are in
      JsonObject reply = refresh(c, onlyB);
      assertThat(reply.getJsonObject("body").getJsonArray("dropped").getList()).containsExactly(topicA);
      assertThat(reply.getJsonObject("body").containsKey("deadline")).isTrue();
      assertThat(node.publish(new JsonObject().put("topic", topicA).put("payload", "a")).status()).isEqualTo(202);
      assertThat(node.publish(new JsonObject().put("topic", topicB).put("payload", "b")).status()).isEqualTo(202);
      // B arrives, A does not: the frame after the refresh reply is B's.
      JsonObject next = c.next(WAIT);
      assertThat(next.getString("address")).as("%s", next).isEqualTo("vpush.topic." + topicB);
      // And A cannot be subscribed to again.
      c.send(new JsonObject().put("type", "register").put("address", "vpush.topic." + topicA).put("headers", new JsonObject()));
      assertThat(WsTestClient.isError(c.next(WAIT), "access_denied")).isTrue();
    }
  }

  @Test
  void aRefreshBeforeTheRegisterIsNotRegistered() {
    try (WsTestClient c = node.connect()) {
      JsonObject err = refresh(c, node.token(TestNode.freshUser("early")));
      assertThat(WsTestClient.isError(err, "not_registered")).as("%s", err).isTrue();
    }
  }
}
