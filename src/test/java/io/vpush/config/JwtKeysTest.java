package io.vpush.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpush.testing.JwsTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jwt.keys from each config source, and every way an entry is refused at start (naming the key id and the source). */
class JwtKeysTest {
  private static final String OLD = "old-secret-of-thirty-two-bytes-000000";
  private static final String NEW = "new-secret-of-thirty-two-bytes-111111";

  @TempDir
  Path dir;

  @Test
  void keysComeFromTheEnvironmentFlagsAndFileWithPemTextOrPath() throws IOException {
    String rsaPem = JwsTokens.pem(JwsTokens.rsa().getPublic());
    Path ecFile = Files.writeString(dir.resolve("ec.pem"), JwsTokens.pem(JwsTokens.ec().getPublic()));

    VPushConfig env = new ConfigLoader().env(Map.of("VPUSH_JWT_KEYS", "k1:HS256:" + OLD + ",k2:HS256:" + NEW + ",e1:ES256:" + ecFile)).load();
    assertThat(JwtKeys.of(env)).extracting(JwtKeys.Entry::toString).containsExactly("k1:HS256", "k2:HS256", "e1:ES256");
    assertThat(JwtKeys.of(env).get(2).material()).contains("-----BEGIN PUBLIC KEY-----");

    VPushConfig flag = new ConfigLoader().flags(Map.of("jwt.keys", "r1:RS256:" + rsaPem)).load();
    assertThat(JwtKeys.of(flag)).extracting(JwtKeys.Entry::kid).containsExactly("r1");
    assertThat(JwtKeys.of(flag).get(0).material()).isEqualTo(rsaPem.trim());

    Path file = Files.writeString(dir.resolve("c.json"), "{\"jwt\":{\"keys\":[\"k1:HS256:" + OLD + "\",\"e1:ES256:" + ecFile + "\"]}}");
    assertThat(JwtKeys.of(new ConfigLoader().file(file).load())).extracting(JwtKeys.Entry::kid).containsExactly("k1", "e1");
    // A secret may contain ':' (only the first two separate kid and alg).
    assertThat(JwtKeys.parse(List.of("k:HS256:a:b:" + OLD), "test").get(0).material()).isEqualTo("a:b:" + OLD);
  }

  @Test
  void badEntriesStopTheStartNamingTheKeyAndTheSource() throws Exception {
    assertRefused("k1:HS384:" + OLD, "key 'k1'", "algorithm 'HS384' is not one of [HS256, RS256, ES256]");
    assertRefused("k1:HS256:short-secret", "key 'k1'", "at least 32 bytes");
    assertRefused("k1:HS256:" + OLD + ",k1:HS256:" + NEW, "key 'k1'", "duplicate key id");
    assertRefused("k1:RS256:" + dir.resolve("missing.pem"), "key 'k1'", "neither PEM text nor a readable PEM file");
    assertRefused("k1:RS256:-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----", "key 'k1'", "not a PEM public key");
    assertRefused("e1:ES256:" + JwsTokens.pem(JwsTokens.rsa().getPublic()), "key 'e1'", "ES256 needs an EC public key");
    assertRefused("r1:RS256:" + JwsTokens.pem(JwsTokens.ec().getPublic()), "key 'r1'", "RS256 needs an RSA public key");
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    assertRefused("r1:RS256:" + JwsTokens.pem(small.generateKeyPair().getPublic()), "key 'r1'", "1024 bits");
    String privatePem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(JwsTokens.rsa().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----";
    assertRefused("r1:RS256:" + privatePem, "key 'r1'", "is not a PUBLIC KEY or CERTIFICATE");
    assertRefused("just-a-secret-without-kid-and-alg-0000000", "entry 1", "not kid:alg:value");
    assertRefused("bad kid:HS256:" + OLD, "entry 1", "key id must be");
  }

  @Test
  void theJwksUrlMustBeHttpOrHttps() {
    assertThat(new ConfigLoader().env(Map.of("VPUSH_JWT_JWKS_URL", "https://idp.example/.well-known/jwks.json")).load()
        .get(Settings.JWT_JWKS_URL)).startsWith("https://");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_JWT_JWKS_URL", "file:///etc/jwks.json")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("'jwt.jwksUrl'").hasMessageContaining("VPUSH_JWT_JWKS_URL")
        .hasMessageContaining("http:// or https://");
  }

  @Test
  void productionStartsWithKeysOrAJwksUrlInsteadOfASecret() {
    Map<String, String> prod = Map.of("VPUSH_MODE", "production", "VPUSH_API_KEY", "k");
    assertThat(new ConfigLoader().env(prod).flags(Map.of("jwt.keys", "k1:HS256:" + OLD)).load().isDev()).isFalse();
    assertThat(new ConfigLoader().env(prod).flags(Map.of("jwt.jwksUrl", "http://127.0.0.1:1/jwks")).load().isDev()).isFalse();
    assertThatThrownBy(() -> new ConfigLoader().env(prod).load()).hasMessageContaining("'jwt.keys' or 'jwt.jwksUrl'");
    // Dev mode generates no secret beside configured keys: only those verify.
    assertThat(DevSecrets.apply(new ConfigLoader().flags(Map.of("jwt.keys", "k1:HS256:" + OLD, "api.key", "k")).load())
        .get(Settings.JWT_SECRET)).isNull();
  }

  private static void assertRefused(String value, String... parts) {
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_JWT_KEYS", value)).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'jwt.keys' from environment variable VPUSH_JWT_KEYS")
        .satisfies(e -> {
          for (String p : parts) assertThat(e.getMessage()).contains(p);
          assertThat(e.getMessage()).doesNotContain("thirty-two-bytes"); // never the secret
        });
  }
}
