package io.vpush.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import java.nio.charset.StandardCharsets;
import io.vpush.testing.JwsTokens;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token rules: exp required in production, iss and aud when configured, clock skew, and forged algorithms. */
class TokenVerifierTest {
  private static final String SECRET = "token-verifier-test-secret-0123456789";
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void productionRequiresExpUnlessTurnedOff() throws Exception {
    String noExp = sign(new JsonObject().put("sub", "alice"));
    assertThat(verify(config("production", Map.of()), noExp)).isEqualTo("token has no exp");
    assertThat(verify(config("dev", Map.of()), noExp)).isEqualTo("ok alice");
    assertThat(verify(config("production", Map.of(Settings.JWT_REQUIRE_EXP, "false")), noExp)).isEqualTo("ok alice");
    assertThat(verify(config("dev", Map.of(Settings.JWT_REQUIRE_EXP, "true")), noExp)).isEqualTo("token has no exp");
    assertThat(verify(config("production", Map.of()), sign(claims("alice", 60)))).isEqualTo("ok alice");
  }

  @Test
  void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
    VPushConfig c = config("production", Map.of(Settings.JWT_ISSUER, "https://auth.example", Settings.JWT_AUDIENCE, List.of("vpush", "push")));
    assertThat(verify(c, sign(claims("alice", 60).put("iss", "https://auth.example").put("aud", "push")))).isEqualTo("ok alice");
    assertThat(verify(c, sign(claims("alice", 60).put("iss", "https://auth.example").put("aud", new JsonArray().add("other").add("vpush")))))
        .isEqualTo("ok alice");
    assertThat(verify(c, sign(claims("alice", 60).put("iss", "https://evil.example").put("aud", "vpush")))).isEqualTo("invalid or expired token");
    assertThat(verify(c, sign(claims("alice", 60).put("aud", "vpush")))).as("no iss").isEqualTo("invalid or expired token");
    assertThat(verify(c, sign(claims("alice", 60).put("iss", "https://auth.example").put("aud", "billing")))).isEqualTo("invalid or expired token");
    assertThat(verify(c, sign(claims("alice", 60).put("iss", "https://auth.example")))).as("no aud").isEqualTo("invalid or expired token");
    // Without the settings, iss and aud are not looked at.
    assertThat(verify(config("production", Map.of()), sign(claims("alice", 60).put("iss", "anyone").put("aud", "any")))).isEqualTo("ok alice");
  }

  @Test
  void expiryAllowsTheConfiguredClockSkew() throws Exception {
    String expiredTenSecondsAgo = sign(claims("alice", -10));
    assertThat(verify(config("production", Map.of()), expiredTenSecondsAgo)).as("30 s leeway by default").isEqualTo("ok alice");
    assertThat(verify(config("production", Map.of(Settings.JWT_LEEWAY_SECONDS, 0)), expiredTenSecondsAgo)).isEqualTo("invalid or expired token");
    assertThat(verify(config("production", Map.of()), sign(claims("alice", -120)))).isEqualTo("invalid or expired token");
  }

  @Test
  void forgedAlgorithmsAreRefused() throws Exception {
    VPushConfig hs = config("production", Map.of());
    String head = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String body = b64(claims("alice", 60).encode());
    assertThat(verify(hs, head + "." + body + ".")).as("alg none").isEqualTo("invalid or expired token");
    // HS/RS confusion: a node that trusts only an RS256 public key gets an HS256 token signed with that public key.
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(gen.generateKeyPair().getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    Map<Setting<?>, Object> rsOnly = new HashMap<>();
    rsOnly.put(Settings.JWT_SECRET, null);
    rsOnly.put(Settings.JWT_PUBLIC_KEY, pem);
    JWTAuth confused = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(pem)));
    String forged = confused.generateToken(claims("alice", 60), new JWTOptions().setAlgorithm("HS256"));
    assertThat(verify(config("production", rsOnly), forged)).isEqualTo("invalid or expired token");
  }

  // --- key rotation: several keys selected by kid ---
  private static final String OLD = "rotated-old-secret-0123456789-abcdef";
  private static final String NEW = "rotated-new-secret-0123456789-abcdef";

  @Test
  void rotatedHsKeysAreBothAcceptedWhileBothAreConfigured() throws Exception {
    VPushConfig both = keys(null, List.of("old:HS256:" + OLD, "new:HS256:" + NEW));
    assertThat(verify(both, JwsTokens.hs256(OLD, "old", JwsTokens.claims("alice", 60)))).isEqualTo("ok alice");
    assertThat(verify(both, JwsTokens.hs256(NEW, "new", JwsTokens.claims("alice", 60)))).isEqualTo("ok alice");
    // Without a kid a token is tried against every key of its alg (issuers that do not set kid keep working).
    assertThat(verify(both, JwsTokens.hs256(OLD, null, JwsTokens.claims("alice", 60)))).isEqualTo("ok alice");
    assertThat(verify(both, JwsTokens.hs256("some-other-secret-0123456789-abcdef", null, JwsTokens.claims("alice", 60))))
        .isEqualTo("invalid or expired token");
    // A kid selects its key alone: the old kid on a token signed with the new secret is not tried against the new key.
    assertThat(verify(both, JwsTokens.hs256(NEW, "old", JwsTokens.claims("alice", 60)))).isEqualTo("invalid or expired token");
    // Once the old key is removed, its tokens are refused.
    VPushConfig newOnly = keys(null, List.of("new:HS256:" + NEW));
    assertThat(verify(newOnly, JwsTokens.hs256(OLD, "old", JwsTokens.claims("alice", 60)))).isEqualTo(TokenVerifier.UNKNOWN_KID);
  }

  @Test
  void anUnknownKidIsRefusedAndTheSingleSecretStillWorks() throws Exception {
    VPushConfig c = keys(SECRET, List.of("k1:HS256:" + NEW));
    assertThat(verify(c, JwsTokens.hs256(NEW, "k9", JwsTokens.claims("alice", 60)))).isEqualTo(TokenVerifier.UNKNOWN_KID);
    assertThat(verify(c, JwsTokens.hs256(SECRET, null, JwsTokens.claims("alice", 60)))).as("jwt.secret, no kid").isEqualTo("ok alice");
    // jwt.secret has no id: a token naming k1 is checked against k1 only.
    assertThat(verify(c, JwsTokens.hs256(SECRET, "k1", JwsTokens.claims("alice", 60)))).isEqualTo("invalid or expired token");
    // With jwt.secret alone (no jwt.keys, no JWKS) a kid is not looked at, as before.
    assertThat(verify(keys(SECRET, List.of()), JwsTokens.hs256(SECRET, "whatever", JwsTokens.claims("alice", 60)))).isEqualTo("ok alice");
  }

  @Test
  void rs256AndEs256KeysAreSelectedByKidAndCannotBeConfused() throws Exception {
    KeyPair rsa = JwsTokens.rsa();
    KeyPair ec = JwsTokens.ec();
    String rsaPem = JwsTokens.pem(rsa.getPublic());
    VPushConfig c = keys(null, List.of("r1:RS256:" + rsaPem, "e1:ES256:" + JwsTokens.pem(ec.getPublic()), "h1:HS256:" + NEW));
    assertThat(verify(c, JwsTokens.rs256(rsa.getPrivate(), "r1", JwsTokens.claims("alice", 60)))).isEqualTo("ok alice");
    assertThat(verify(c, JwsTokens.es256(ec.getPrivate(), "e1", JwsTokens.claims("bob", 60)))).isEqualTo("ok bob");
    assertThat(verify(c, JwsTokens.es256(ec.getPrivate(), null, JwsTokens.claims("bob", 60)))).as("no kid").isEqualTo("ok bob");
    // A kid of another algorithm's key: refused, whatever signed it.
    assertThat(verify(c, JwsTokens.rs256(rsa.getPrivate(), "e1", JwsTokens.claims("alice", 60)))).isEqualTo("invalid or expired token");
    // HS/RS confusion by kid: an HS256 token naming the RSA key, signed with that key's public PEM bytes.
    assertThat(verify(c, JwsTokens.hs256(rsaPem, "r1", JwsTokens.claims("alice", 60)))).isEqualTo("invalid or expired token");
    assertThat(verify(c, JwsTokens.hs256(rsaPem, null, JwsTokens.claims("alice", 60)))).isEqualTo("invalid or expired token");
    // alg none naming a real kid.
    String none = b64("{\"alg\":\"none\",\"kid\":\"h1\"}") + "." + b64(JwsTokens.claims("alice", 60));
    assertThat(verify(c, none + ".")).isEqualTo("invalid or expired token");
    assertThat(verify(c, none)).isEqualTo("invalid or expired token");
  }

  @Test
  void aNodeWithNoKeyLoadedRefusesUnsignedTokens() throws Exception {
    // A JWKS-only node whose JWKS is unreachable has no key at all; an empty vertx-auth-jwt provider would accept these.
    Map<Setting<?>, Object> s = new HashMap<>();
    s.put(Settings.JWT_SECRET, null);
    s.put(Settings.JWT_JWKS_URL, "http://127.0.0.1:" + io.vpush.testing.FreePorts.free() + "/jwks");
    s.put(Settings.JWT_JWKS_TIMEOUT_MS, 1_000);
    VPushConfig c = config("production", s);
    String none = b64("{\"alg\":\"none\"}") + "." + b64(JwsTokens.claims("alice", 60));
    assertThat(verify(c, none)).isEqualTo("invalid or expired token");
    assertThat(verify(c, none + ".")).isEqualTo("invalid or expired token");
    assertThat(verify(c, JwsTokens.hs256(SECRET, null, JwsTokens.claims("alice", 60)))).isEqualTo("invalid or expired token");
  }

  @Test
  void theClaimsCarryTheTokensExpiry() throws Exception {
    long exp = System.currentTimeMillis() / 1000 + 60;
    TokenVerifier v = new TokenVerifier(vertx, config("production", Map.of()));
    TokenClaims claims = v.verify(sign(new JsonObject().put("sub", "alice").put("exp", exp))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(claims.exp()).isEqualTo(exp);
    assertThat(new TokenVerifier(vertx, config("dev", Map.of())).verify(sign(new JsonObject().put("sub", "alice")))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).expires()).isFalse();
  }

  private static VPushConfig keys(String secret, List<String> keys) {
    Map<Setting<?>, Object> s = new HashMap<>();
    s.put(Settings.JWT_SECRET, secret);
    s.put(Settings.JWT_KEYS, keys);
    return config("production", s);
  }

  private static VPushConfig config(String mode, Map<Setting<?>, Object> extra) {
    Map<Setting<?>, Object> s = new HashMap<>();
    s.put(Settings.MODE, mode);
    s.put(Settings.JWT_SECRET, SECRET);
    s.putAll(extra);
    return VPushConfig.defaults().with(s, "test");
  }

  private static JsonObject claims(String user, long expiresInSeconds) {
    return new JsonObject().put("sub", user).put("exp", System.currentTimeMillis() / 1000 + expiresInSeconds);
  }

  private static String sign(JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  // "ok <sub>" or the reason the verifier gives the client.
  private static String verify(VPushConfig config, String token) throws Exception {
    TokenVerifier verifier = new TokenVerifier(vertx, config);
    try {
      Future<TokenClaims> f = verifier.refreshKeys().compose(v -> verifier.verify(token));
      return f.map(c -> "ok " + c.subject()).otherwise(Throwable::getMessage)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      verifier.close();
    }
  }
}
