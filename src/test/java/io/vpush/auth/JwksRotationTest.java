package io.vpush.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;
import io.vpush.testing.JwsTokens;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A JWKS served by a local Vert.x HTTP server: rotation, failed refreshes, unknown kids and their rate limit. */
class JwksRotationTest {
  private Vertx vertx;
  private HttpServer server;
  private final AtomicReference<String> served = new AtomicReference<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger fetches = new AtomicInteger();
  private final List<TokenVerifier> verifiers = new ArrayList<>();
  private final Metrics metrics = new Metrics();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      fetches.incrementAndGet();
      req.response().setStatusCode(status.get()).putHeader("Content-Type", "application/json").end(served.get());
    });
    await(server.listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    verifiers.forEach(TokenVerifier::close);
    metrics.close();
    await(vertx.close());
  }

  @Test
  void aRotatedJwksAcceptsTheNewKeyAndRefusesTheRemovedOne() throws Exception {
    KeyPair a = JwsTokens.rsa();
    KeyPair b = JwsTokens.ec();
    served.set(JwsTokens.jwks(JwsTokens.jwk(a.getPublic(), "a")));
    TokenVerifier v = verifier(3_600, 3_600);
    await(v.refreshKeys());
    assertThat(verify(v, JwsTokens.rs256(a.getPrivate(), "a", JwsTokens.claims("alice", 60)))).isEqualTo("ok alice");
    assertThat(verify(v, JwsTokens.es256(b.getPrivate(), "b", JwsTokens.claims("alice", 60)))).isEqualTo(TokenVerifier.UNKNOWN_KID);

    // The issuer adds b, then removes a.
    served.set(JwsTokens.jwks(JwsTokens.jwk(a.getPublic(), "a"), JwsTokens.jwk(b.getPublic(), "b")));
    await(v.refreshKeys());
    assertThat(verify(v, JwsTokens.rs256(a.getPrivate(), "a", JwsTokens.claims("alice", 60)))).isEqualTo("ok alice");
    assertThat(verify(v, JwsTokens.es256(b.getPrivate(), "b", JwsTokens.claims("bob", 60)))).isEqualTo("ok bob");
    served.set(JwsTokens.jwks(JwsTokens.jwk(b.getPublic(), "b")));
    await(v.refreshKeys());
    assertThat(verify(v, JwsTokens.es256(b.getPrivate(), "b", JwsTokens.claims("bob", 60)))).isEqualTo("ok bob");
    assertThat(verify(v, JwsTokens.rs256(a.getPrivate(), "a", JwsTokens.claims("alice", 60)))).isEqualTo(TokenVerifier.UNKNOWN_KID);
    // b's public key does not verify a token that names b but was signed by someone else.
    assertThat(verify(v, JwsTokens.es256(JwsTokens.ec().getPrivate(), "b", JwsTokens.claims("bob", 60)))).isEqualTo("invalid or expired token");
    assertThat(count("vpush_jwks_fetches_total", "outcome", "ok")).isEqualTo(3);
    assertThat(gauge("vpush_jwks_keys")).isEqualTo(1);
  }

  @Test
  void anUnknownKidFetchesTheJwksAtMostOncePerMinimumInterval() throws Exception {
    KeyPair a = JwsTokens.rsa();
    KeyPair b = JwsTokens.rsa();
    served.set(JwsTokens.jwks(JwsTokens.jwk(a.getPublic(), "a")));
    TokenVerifier v = verifier(3_600, 1);
    await(v.refreshKeys());
    // The issuer rotates to b before this node's refresh period: a token naming b makes the node look again.
    served.set(JwsTokens.jwks(JwsTokens.jwk(a.getPublic(), "a"), JwsTokens.jwk(b.getPublic(), "b")));
    String tokenB = JwsTokens.rs256(b.getPrivate(), "b", JwsTokens.claims("bob", 60));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String outcome = verify(v, tokenB);
    while (!outcome.equals("ok bob") && System.nanoTime() < deadline) {
      Thread.sleep(50); // poll: the node refetches once jwt.jwksMinIntervalSeconds (1 s) has passed since its last fetch
      outcome = verify(v, tokenB);
    }
    assertThat(outcome).isEqualTo("ok bob");

    // With a long minimum interval, a spray of made-up kids makes no fetch at all after the first.
    TokenVerifier slow = verifier(3_600, 3_600);
    await(slow.refreshKeys());
    int before = fetches.get();
    List<Future<TokenClaims>> spray = new ArrayList<>();
    for (int i = 0; i < 200; i++) spray.add(slow.verify(JwsTokens.rs256(a.getPrivate(), "made-up-" + i, JwsTokens.claims("eve", 60))));
    await(Future.join(spray).otherwise(f -> null));
    assertThat(spray).allMatch(f -> f.failed() && f.cause().getMessage().equals(TokenVerifier.UNKNOWN_KID));
    assertThat(fetches.get()).isEqualTo(before);
    assertThat(count("vpush_token_unknown_kid_total")).isGreaterThanOrEqualTo(200);
  }

  @Test
  void aFailedRefreshKeepsTheLastGoodKeysAndIsCounted() throws Exception {
    KeyPair a = JwsTokens.rsa();
    served.set(JwsTokens.jwks(JwsTokens.jwk(a.getPublic(), "a")));
    TokenVerifier v = verifier(3_600, 3_600);
    await(v.refreshKeys());
    String tokenA = JwsTokens.rs256(a.getPrivate(), "a", JwsTokens.claims("alice", 60));

    status.set(500);
    await(v.refreshKeys());
    assertThat(verify(v, tokenA)).isEqualTo("ok alice");
    status.set(200);
    served.set("<html>not a jwks</html>");
    await(v.refreshKeys());
    served.set("{\"keys\":[" + "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"},".repeat(20_000) + "{}]}"); // over jwt.jwksMaxBytes
    await(v.refreshKeys());
    await(server.close());
    await(v.refreshKeys());
    assertThat(verify(v, tokenA)).isEqualTo("ok alice");
    assertThat(count("vpush_jwks_fetches_total", "outcome", "failed")).isEqualTo(4);
    assertThat(count("vpush_jwks_fetches_total", "outcome", "ok")).isEqualTo(1);
  }

  @Test
  void aJwksUnreachableAtStartLeavesTheNodeUpWithItsConfiguredKeysOnly() throws Exception {
    await(server.close()); // nothing listens at the URL
    String secret = "configured-secret-0123456789-abcdefgh";
    Map<Setting<?>, Object> s = base(3_600, 3_600);
    s.put(Settings.JWT_KEYS, List.of("h1:HS256:" + secret));
    TokenVerifier v = track(new TokenVerifier(vertx, VPushConfig.defaults().with(s, "test"), metrics));
    await(v.refreshKeys());
    assertThat(verify(v, JwsTokens.hs256(secret, "h1", JwsTokens.claims("alice", 60)))).isEqualTo("ok alice");
    assertThat(verify(v, JwsTokens.rs256(JwsTokens.rsa().getPrivate(), "idp-1", JwsTokens.claims("alice", 60)))).isEqualTo(TokenVerifier.UNKNOWN_KID);
    assertThat(gauge("vpush_jwks_age_seconds")).isEqualTo(-1);
    assertThat(count("vpush_jwks_fetches_total", "outcome", "failed")).isGreaterThanOrEqualTo(1);
  }

  private TokenVerifier verifier(int refreshSeconds, int minIntervalSeconds) {
    return track(new TokenVerifier(vertx, VPushConfig.defaults().with(base(refreshSeconds, minIntervalSeconds), "test"), metrics));
  }

  private Map<Setting<?>, Object> base(int refreshSeconds, int minIntervalSeconds) {
    Map<Setting<?>, Object> s = new HashMap<>();
    s.put(Settings.MODE, "production");
    s.put(Settings.JWT_JWKS_URL, "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json");
    s.put(Settings.JWT_JWKS_REFRESH_SECONDS, refreshSeconds);
    s.put(Settings.JWT_JWKS_MIN_INTERVAL_SECONDS, minIntervalSeconds);
    s.put(Settings.JWT_JWKS_TIMEOUT_MS, 2_000);
    s.put(Settings.JWT_JWKS_MAX_BYTES, 65_536);
    return s;
  }

  private TokenVerifier track(TokenVerifier v) {
    verifiers.add(v);
    return v;
  }

  private double count(String name, String... tags) {
    return metrics.registry().get(name).tags(tags).counter().count();
  }

  private double gauge(String name) {
    return metrics.registry().get(name).gauge().value();
  }

  private static String verify(TokenVerifier v, String token) throws Exception {
    return await(v.verify(token).map(c -> "ok " + c.subject()).otherwise(Throwable::getMessage));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
