package io.vpush.auth;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Setting;
import io.vpush.protocol.Addresses;
import io.vpush.config.Settings;
import io.vpush.testing.JwsTokens;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The auth matrix of docs/security.md against a production-mode node over real WebSockets: every forged, stale or
 * misdirected token and every reach outside a connection's grant is refused with its documented code, and nothing
 * reaches a user it was not meant for.
 */
class AuthMatrixIT {

  private static final String ISSUER = "https://auth.matrix.test";
  private static final String AUDIENCE = "vpush";
  private static final String OLD_SECRET = "matrix-old-secret-0123456789abcdef-0123";
  private static final String NEW_SECRET = "matrix-new-secret-0123456789abcdef-4567";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private static KeyPair rsa;
  private static String rsaPublicPem;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    rsa = JwsTokens.rsa();
    rsaPublicPem = JwsTokens.pem(rsa.getPublic());
    Map<Setting<?>, Object> s = new HashMap<>();
    s.put(Settings.MODE, "production");
    s.put(Settings.STORE, "memory");
    s.put(Settings.JWT_PUBLIC_KEY, rsaPublicPem);
    // Two HS256 keys by kid, as in the middle of a rotation from "old" to "new".
    s.put(Settings.JWT_KEYS, List.of("old:HS256:" + OLD_SECRET, "new:HS256:" + NEW_SECRET));
    s.put(Settings.JWT_ISSUER, ISSUER);
    s.put(Settings.JWT_AUDIENCE, List.of(AUDIENCE));
    s.put(Settings.JWT_LEEWAY_SECONDS, 5);
    node = TestNode.start(s);
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  // --- refused at register: err access_denied (403) on the user stream, then close 4001 with the reason ---

  @Test
  void forgedTokensAreRefusedAtRegister() throws Exception {
    String user = TestNode.freshUser("forged");
    refusedAtRegister("wrong secret", user, hs256("another-secret-0123456789abcdef-0123456789", good(user)),
        "invalid or expired token");
    refusedAtRegister("alg none", user, unsigned(good(user)), "invalid or expired token");
    // HS/RS confusion: an HS256 token whose HMAC key is the node's RS256 public key (which is public).
    refusedAtRegister("HS256 signed with the RS public key", user, hs256(rsaPublicPem, good(user)), "invalid or expired token");
    refusedAtRegister("not a JWT", user, "not.a.jwt", "invalid or expired token");
    refusedAtRegister("no token", user, null, "token missing");
  }

  @Test
  void staleOrMisaddressedTokensAreRefusedAtRegister() throws Exception {
    String user = TestNode.freshUser("stale");
    long now = System.currentTimeMillis() / 1000;
    refusedAtRegister("expired beyond the leeway", user, rs256(good(user).put("exp", now - 60)), "invalid or expired token");
    refusedAtRegister("no exp in production", user, rs256(good(user).put("exp", (Object) null)), "token has no exp");
    refusedAtRegister("wrong iss", user, rs256(good(user).put("iss", "https://evil.test")), "invalid or expired token");
    refusedAtRegister("no iss", user, rs256(good(user).put("iss", (Object) null)), "invalid or expired token");
    refusedAtRegister("wrong aud", user, rs256(good(user).put("aud", "billing")), "invalid or expired token");
    refusedAtRegister("not yet valid", user, rs256(good(user).put("nbf", now + 600)), "invalid or expired token");
    refusedAtRegister("another user's token", user, rs256(good(TestNode.freshUser("mallory"))),
        "token subject does not match the user");
  }

  @Test
  void keyIdsSelectTheirKeyAndBothKeysOfARotationWork() throws Exception {
    String user = TestNode.freshUser("kid");
    refusedAtRegister("unknown kid", user, hs256(OLD_SECRET, "retired", good(user)), "unknown key id");
    refusedAtRegister("kid of another key", user, hs256(OLD_SECRET, "new", good(user)), "invalid or expired token");
    refusedAtRegister("an HS kid on an RS256 token", user, JwsTokens.rs256(rsa.getPrivate(), "old", good(user).encode()),
        "invalid or expired token");
    for (String kid : List.of("old", "new")) {
      try (WsTestClient c = node.connect()) {
        String token = hs256(kid.equals("old") ? OLD_SECRET : NEW_SECRET, kid, good(user));
        assertThat(c.registered(user, token, Map.of())).as("kid " + kid).isNotNull();
      }
    }
  }

  @Test
  void aGoodTokenRegistersWithinTheLeeway() throws Exception {
    String user = TestNode.freshUser("good");
    long now = System.currentTimeMillis() / 1000;
    try (WsTestClient c = node.connect()) {
      // Expired 2 s ago, inside the 5 s leeway: a client clock a little behind the issuer's is not locked out.
      assertThat(c.registered(user, rs256(good(user).put("exp", now - 2)), Map.of())).isNotNull();
      node.publishTo(user, "for-good");
      // Its token is due: a control: refresh may come first (TokenRefreshIT covers that), the message must come.
      assertThat(c.awaitMessage(WAIT).getString("body")).isEqualTo("for-good");
    }
  }

  // --- a vpush.refresh token is held to the register's checks; a refused one leaves the connection as it was ---

  @Test
  void aRefreshTokenPassesTheSameChecksAsARegister() throws Exception {
    String user = TestNode.freshUser("refresher");
    long now = System.currentTimeMillis() / 1000;
    try (WsTestClient c = node.connect()) {
      c.registered(user, rs256(good(user)), Map.of());
      refusedAtRefresh(c, "another user's token", rs256(good(TestNode.freshUser("mallory"))));
      refusedAtRefresh(c, "wrong secret", hs256("another-secret-0123456789abcdef-0123456789", good(user)));
      refusedAtRefresh(c, "alg none", unsigned(good(user)));
      refusedAtRefresh(c, "HS256 signed with the RS public key", hs256(rsaPublicPem, good(user)));
      refusedAtRefresh(c, "expired beyond the leeway", rs256(good(user).put("exp", now - 60)));
      refusedAtRefresh(c, "wrong iss", rs256(good(user).put("iss", "https://evil.test")));
      refusedAtRefresh(c, "wrong aud", rs256(good(user).put("aud", "billing")));
      refusedAtRefresh(c, "unknown kid", hs256(OLD_SECRET, "retired", good(user)));
      refusedAtRefresh(c, "not a JWT", "not.a.jwt");
      // The connection is as it was: registered, still delivering, and a good token of the same user is taken.
      JsonObject ok = c.request("vpush.refresh", new JsonObject().put("token", hs256(NEW_SECRET, "new", good(user))));
      assertThat(ok.getString("type")).as("%s", ok).isEqualTo("rec");
      node.publishTo(user, "still-here");
      assertThat(c.awaitMessage(WAIT).getString("body")).isEqualTo("still-here");
      assertThat(c.isClosed()).isFalse();
    }
  }

  // --- reaches outside the grant of a registered connection: err access_denied, the connection stays ---

  @Test
  void aRegisteredConnectionReachesNothingOutsideItsGrant() throws Exception {
    String alice = TestNode.freshUser("alice");
    String bob = TestNode.freshUser("bob");
    try (WsTestClient a = node.connect(); WsTestClient b = node.connect()) {
      a.registered(alice, rs256(good(alice).put("topics", new JsonArray().add("news.*"))), Map.of());
      b.registered(bob, rs256(good(bob).put("topics", new JsonArray().add("billing.*"))), Map.of());

      denied(a, register(Addresses.user(bob)), "another user's stream on the same connection");
      denied(a, register(Addresses.topic("billing.bob")), "a topic outside the claim");
      denied(a, register(Addresses.node(node.node().nodeId())), "a node's internal address");
      denied(a, register(Addresses.TOPICS), "the topic broadcast");
      denied(a, send(Addresses.PUBLISH, new JsonObject().put("user", bob).put("payload", "forged")), "the publish address");
      denied(a, send(Addresses.node(node.node().nodeId()), new JsonObject().put("t", "k").put("u", bob)), "a node's kick");
      denied(a, send(Addresses.UPSTREAM_IN, new JsonObject()), "the upstream's inside");
      denied(a, send(Addresses.user(bob), "hi"), "another user's stream");
      denied(a, new JsonObject().put("type", "publish").put("address", Addresses.user(bob)).put("body", "hi"), "a publish frame");

      // Bob's messages and topics reach Bob and nobody else; the forged publish and kick did nothing.
      node.publishTo(bob, "for-bob");
      node.publish(new JsonObject().put("topic", "billing.bob").put("payload", "bob's invoice"));
      b.send(register(Addresses.topic("billing.bob")));
      node.publish(new JsonObject().put("topic", "billing.bob").put("payload", "bob's second invoice"));
      assertThat(b.messages(1, WAIT).get(0).getString("body")).isEqualTo("for-bob");
      b.awaitFrame(f -> "bob's second invoice".equals(f.getValue("body")), WAIT);
      assertThat(b.isClosed()).as("the forged kick").isFalse();
      a.pingPong(); // everything sent to a before this pong has arrived
      assertThat(a.drainNow()).as("what reached alice").noneMatch(f -> String.valueOf(f.getValue("body")).contains("bob")
          || String.valueOf(f.getValue("body")).contains("forged") || String.valueOf(f.getValue("body")).contains("invoice"));
      assertThat(a.isClosed()).isFalse();
    }
  }

  // --- helpers ---

  /** Claims that pass every rule for {@code user}: iss, aud, an exp in an hour. */
  private static JsonObject good(String user) {
    return new JsonObject().put("sub", user).put("iss", ISSUER).put("aud", AUDIENCE)
        .put("exp", System.currentTimeMillis() / 1000 + 3600);
  }

  private static void refusedAtRegister(String why, String user, String token, String reason) {
    try (WsTestClient c = node.connect()) {
      c.register(user, token, Map.of());
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s: %s", why, err).isTrue();
      assertThat(err.getInteger("failureCode")).as(why).isEqualTo(403);
      assertThat(err.getString("message")).as(why).isEqualTo(reason);
      assertThat(c.awaitClose(WAIT)).as(why).isEqualTo((short) 4001);
      assertThat(c.closeReason()).as(why).isEqualTo(reason);
    }
  }

  private static void refusedAtRefresh(WsTestClient c, String why, String token) {
    JsonObject err = c.request("vpush.refresh", new JsonObject().put("token", token));
    assertThat(WsTestClient.isError(err, "access_denied")).as("%s: %s", why, err).isTrue();
    assertThat(c.isClosed()).as(why).isFalse();
  }

  private static void denied(WsTestClient c, JsonObject frame, String why) {
    c.send(frame);
    JsonObject err = c.next(WAIT);
    assertThat(WsTestClient.isError(err, "access_denied")).as("%s: %s", why, err).isTrue();
  }

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  private static JsonObject send(String address, Object body) {
    return new JsonObject().put("type", "send").put("address", address).put("body", body);
  }

  private static String rs256(JsonObject claims) {
    return JwsTokens.rs256(rsa.getPrivate(), null, withoutNulls(claims).encode());
  }

  private static String hs256(String secret, JsonObject claims) {
    return JwsTokens.hs256(secret, null, withoutNulls(claims).encode());
  }

  private static String hs256(String secret, String kid, JsonObject claims) {
    return JwsTokens.hs256(secret, kid, withoutNulls(claims).encode());
  }

  private static String unsigned(JsonObject claims) {
    return encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + encode(withoutNulls(claims)) + ".";
  }

  /** A claim put as null is a claim left out. */
  private static JsonObject withoutNulls(JsonObject claims) {
    JsonObject out = new JsonObject();
    for (String k : new ArrayList<>(claims.fieldNames())) if (claims.getValue(k) != null) out.put(k, claims.getValue(k));
    return out;
  }

  private static String encode(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
