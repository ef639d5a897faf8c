package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.testing.JwsTokens;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Key rotation over a real WebSocket: two HS256 secrets by kid, and a JWKS served by a local HTTP server that rotates
 * its key; an unknown kid gets err access_denied "unknown key id" and close 4001, like any bad token.
 */
class KeyRotationIT {
  private static final String OLD = "rotation-it-old-secret-0123456789-ab";
  private static final String NEW = "rotation-it-new-secret-0123456789-ab";
  private static final AtomicReference<String> served = new AtomicReference<>();
  private static Vertx jwksVertx;
  private static HttpServer jwks;
  private static TestNode node;
  private static final KeyPair IDP_A = JwsTokens.rsa();
  private static final KeyPair IDP_B = JwsTokens.ec();

  @BeforeAll
  static void start() throws Exception {
    jwksVertx = Vertx.vertx();
    jwks = jwksVertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(served.get()));
    jwks.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    served.set(JwsTokens.jwks(JwsTokens.jwk(IDP_A.getPublic(), "idp-a")));
    node = TestNode.start(Map.of(
        Settings.JWT_KEYS, List.of("old:HS256:" + OLD, "new:HS256:" + NEW),
        Settings.JWT_JWKS_URL, "http://127.0.0.1:" + jwks.actualPort() + "/jwks.json",
        Settings.JWT_JWKS_MIN_INTERVAL_SECONDS, 1));
  }


  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    jwksVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void bothRotatedSecretsRegisterAndAnUnknownKidIsClosedWith4001() {
    String user = TestNode.freshUser("rot");
    for (String token : List.of(JwsTokens.hs256(OLD, "old", JwsTokens.claims(user, 600)), JwsTokens.hs256(NEW, "new", JwsTokens.claims(user, 600)),
        node.token(user))) { // the node's own jwt.secret, no kid
      try (WsTestClient c = node.connect()) {
        assertThat(c.registered(user, token, Map.of()).getLong("lastSeq")).isZero();
      }
    }
    assertRefused(user, JwsTokens.hs256(NEW, "retired", JwsTokens.claims(user, 600)), "unknown key id");
    assertRefused(user, JwsTokens.hs256(OLD, "new", JwsTokens.claims(user, 600)), "invalid or expired token");
    assertThat(node.metric("vpush_token_unknown_kid_total", "")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aTokenOfTheRotatedJwksKeyRegistersAndTheRemovedKeysIsRefused() throws Exception {
    String user = TestNode.freshUser("jwks");
    String tokenA = JwsTokens.rs256(IDP_A.getPrivate(), "idp-a", JwsTokens.claims(user, 600));
    String tokenB = JwsTokens.es256(IDP_B.getPrivate(), "idp-b", JwsTokens.claims(user, 600));
    // The node fetched the JWKS at start (a token naming idp-a waits for that fetch if it is still under way).
    try (WsTestClient c = node.connect()) {
      assertThat(c.registered(user, tokenA, Map.of()).getLong("lastSeq")).isZero();
    }
    // The issuer rotates: idp-b replaces idp-a. A token naming idp-b makes the node fetch again (once a second at most).
    served.set(JwsTokens.jwks(JwsTokens.jwk(IDP_B.getPublic(), "idp-b")));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonObject answer;
    do {
      try (WsTestClient c = node.connect()) {
        c.register(user, tokenB, Map.of());
        answer = c.next(WAIT);
      }
      if (WsTestClient.isControl(answer, "registered")) break;
      Thread.sleep(100); // poll: the refetch waits for jwt.jwksMinIntervalSeconds since the last fetch
    } while (System.nanoTime() < deadline);
    assertThat(WsTestClient.isControl(answer, "registered")).as("%s", answer).isTrue();
    assertRefused(user, tokenA, "unknown key id");
  }

  private static void assertRefused(String user, String token, String reason) {
    try (WsTestClient c = node.connect()) {
      c.register(user, token, Map.of());
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
      assertThat(err.getInteger("failureCode")).isEqualTo(403);
      assertThat(err.getString("message")).isEqualTo(reason);
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4001);
    }
  }
}
