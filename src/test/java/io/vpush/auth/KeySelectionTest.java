package io.vpush.auth;

import static io.vpush.auth.VerificationKeys.Choice.ALL;
import static io.vpush.auth.VerificationKeys.Choice.KEYED;
import static io.vpush.auth.VerificationKeys.Choice.NONE;
import static io.vpush.auth.VerificationKeys.Choice.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.JwsTokens;
import java.security.KeyPairGenerator;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of key rotation: which keys a token's kid selects, when the JWKS is fetched, what of a JWKS is kept. */
class KeySelectionTest {

  @Test
  void aKidSelectsItsKeyAloneAndAnUnknownKidNothing() {
    Set<String> kids = Set.of("k1", "k2");
    assertThat(VerificationKeys.choose("k1", true, kids, true)).isEqualTo(KEYED);
    assertThat(VerificationKeys.choose("k3", true, kids, true)).isEqualTo(UNKNOWN);
    assertThat(VerificationKeys.choose(null, true, kids, true)).as("no kid: every key of its alg").isEqualTo(ALL);
    // Only jwt.secret / jwt.publicKey: a kid is not looked at, as before key rotation existed.
    assertThat(VerificationKeys.choose("anything", true, Set.of(), false)).isEqualTo(ALL);
    // A JWKS-only node before its first good fetch has no key: nothing verifies (never an unsecured provider).
    assertThat(VerificationKeys.choose(null, false, Set.of(), true)).isEqualTo(NONE);
    assertThat(VerificationKeys.choose("k1", false, Set.of(), true)).isEqualTo(UNKNOWN);
  }

  @Test
  void theJwksIsFetchedOnItsPeriodAfterSuccessAndAtTheMinimumIntervalOtherwise() {
    JwksSchedule s = new JwksSchedule(300, 30);
    assertThat(s.mayFetchForUnknownKid(0)).as("before any fetch").isTrue();
    s.started(1_000);
    assertThat(s.ended(false)).as("retry after a failure").isEqualTo(30);
    assertThat(s.mayFetchForUnknownKid(1_029)).as("unknown kids within the interval fetch nothing").isFalse();
    assertThat(s.mayFetchForUnknownKid(1_030)).isTrue();
    s.started(1_030);
    assertThat(s.ended(true)).isEqualTo(300);
    assertThat(s.nextDelay()).isEqualTo(300);
    assertThat(s.mayFetchForUnknownKid(1_031)).isFalse();
  }

  @Test
  void aJwksKeepsPublicSignatureKeysOfRs256AndEs256Only() throws Exception {
    String rsa = JwsTokens.jwk(JwsTokens.rsa().getPublic(), "r1");
    String ec = JwsTokens.jwk(JwsTokens.ec().getPublic(), "e1");
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    String weak = JwsTokens.jwk(small.generateKeyPair().getPublic(), "weak");
    String enc = new JsonObject(JwsTokens.jwk(JwsTokens.rsa().getPublic(), "enc")).put("use", "enc").encode();
    String hs = "{\"kty\":\"oct\",\"kid\":\"h1\",\"k\":\"c2VjcmV0\"}";
    String rs512 = new JsonObject(JwsTokens.jwk(JwsTokens.rsa().getPublic(), "r512")).put("alg", "RS512").encode();
    String withPrivate = new JsonObject(JwsTokens.jwk(JwsTokens.rsa().getPublic(), "r2")).put("d", "AQAB").encode();
    String dup = JwsTokens.jwk(JwsTokens.rsa().getPublic(), "r1");
    String configured = JwsTokens.jwk(JwsTokens.rsa().getPublic(), "static");

    JwksDocument doc = JwksDocument.parse(JwsTokens.jwks(rsa, ec, weak, enc, hs, rs512, withPrivate, dup, configured, "42"), Set.of("static"));
    assertThat(doc.keys()).extracting(k -> k.getString("kid")).containsExactly("r1", "e1", "r2");
    assertThat(doc.keys().get(2).containsKey("d")).as("private members are not kept").isFalse();
    assertThat(String.join("\n", doc.skipped())).contains("kid 'weak': RSA key of 1024 bits", "kid 'enc': use is not sig",
        "kid 'h1': kty oct is not RSA or EC", "kid 'r512': alg RS512 is not RS256", "kid 'r1': duplicate or configured kid",
        "kid 'static': duplicate or configured kid", "key 10: not an object");

    assertThatThrownBy(() -> JwksDocument.parse(JwsTokens.jwks(hs), Set.of())).hasMessageContaining("no usable RS256/ES256 key");
    assertThatThrownBy(() -> JwksDocument.parse("<html>", Set.of())).hasMessageContaining("not a JWKS");
    assertThatThrownBy(() -> JwksDocument.parse("{\"keys\":{}}", Set.of())).hasMessageContaining("not a JWKS");
    assertThatThrownBy(() -> JwksDocument.parse("{}", Set.of())).hasMessageContaining("no \"keys\" array");
  }

  @Test
  void theKidIsReadFromTheHeaderOnly() {
    assertThat(TokenVerifier.kid(JwsTokens.hs256("x".repeat(32), "k9", "{}"))).isEqualTo("k9");
    assertThat(TokenVerifier.kid(JwsTokens.hs256("x".repeat(32), null, "{\"kid\":\"claims-are-not-headers\"}"))).isNull();
    assertThatThrownBy(() -> TokenVerifier.kid("e30.e30.x".replaceFirst("e30", "eyJraWQiOjF9"))).hasMessageContaining("kid is not a string");
    assertThatThrownBy(() -> TokenVerifier.kid("not-a-token")).isInstanceOf(RuntimeException.class);
  }
}
