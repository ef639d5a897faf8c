package io.vpush.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vpush.config.ConfigException;
import io.vpush.config.ConfigLoader;
import io.vpush.config.VPushConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** gentoken signs with jwt.secret, or with the HS256 key of jwt.keys that --kid names (its kid in the header). */
class TokenMinterTest {
  private static final String SECRET = "minter-test-single-secret-0123456789";
  private static final String OLD = "minter-test-old-secret-0123456789-ab";
  private static final String NEW = "minter-test-new-secret-0123456789-ab";
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
  void theSingleSecretStillSignsWithoutAKid() throws Exception {
    VPushConfig c = load(Map.of("jwt.secret", SECRET));
    String token = TokenMinter.mint(vertx, c, "alice", 60, List.of(), List.of());
    assertThat(TokenVerifier.kid(token)).isNull();
    assertThat(verify(c, token)).isEqualTo("ok alice");
  }

  @Test
  void withSeveralHsKeysTheKidChoosesTheSigningKey() throws Exception {
    VPushConfig c = load(Map.of("jwt.keys", "old:HS256:" + OLD + ",new:HS256:" + NEW));
    assertThatThrownBy(() -> TokenMinter.mint(vertx, c, "alice", 60, List.of(), List.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("several HS256 keys [old, new]").hasMessageContaining("--kid");
    String token = TokenMinter.mint(vertx, c, "alice", 60, List.of(), List.of(), "new");
    assertThat(TokenVerifier.kid(token)).isEqualTo("new");
    assertThat(verify(c, token)).isEqualTo("ok alice");
    assertThat(verify(load(Map.of("jwt.keys", "new:HS256:" + NEW)), token)).as("signed with new's secret").isEqualTo("ok alice");
    assertThatThrownBy(() -> TokenMinter.mint(vertx, c, "alice", 60, List.of(), List.of(), "gone"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no HS256 key with id 'gone'");
    // One HS256 key: no --kid needed.
    VPushConfig one = load(Map.of("jwt.keys", "only:HS256:" + OLD));
    assertThat(TokenVerifier.kid(TokenMinter.mint(vertx, one, "bob", 60, List.of(), List.of()))).isEqualTo("only");
  }

  private static VPushConfig load(Map<String, String> flags) {
    return new ConfigLoader().flags(flags).load();
  }

  private static String verify(VPushConfig c, String token) throws Exception {
    return new TokenVerifier(vertx, c).verify(token).map(x -> "ok " + x.subject()).otherwise(Throwable::getMessage)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
