package io.vpush.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vpush.config.JwtKeys;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Verifies client JWTs with vertx-auth-jwt: the signature against the configured keys ({@code jwt.secret} HS256,
 * {@code jwt.publicKey} RS256, {@code jwt.keys} and the {@code jwt.jwksUrl} key set, selected by the token's
 * {@code kid}), {@code exp}/{@code nbf}/{@code iat} within {@code jwt.leewaySeconds}, {@code iss} and {@code aud}
 * when configured, and that {@code exp} is there at all when {@code jwt.requireExp} (by default in production mode).
 */
public final class TokenVerifier {

  /** The reason given for a token whose kid names no key. */
  public static final String UNKNOWN_KID = "unknown key id";

  private final Vertx vertx;
  private final boolean requireExp;
  private final JWTOptions checks;
  private final List<PubSecKeyOptions> configured;
  private final boolean selectByKid;
  private final Metrics metrics; // null: not counted (unit tests, gentoken)
  private final JwksSource jwks; // null without jwt.jwksUrl
  // Swapped whole when a JWKS fetch succeeds; read by every event loop.
  private volatile VerificationKeys keys;

  public TokenVerifier(Vertx vertx, VPushConfig config) {
    this(vertx, config, null);
  }

  /** Starts the JWKS fetch when {@code jwt.jwksUrl} is set (the node does not wait for it). */
  public TokenVerifier(Vertx vertx, VPushConfig config, Metrics metrics) {
    this.vertx = vertx;
    this.requireExp = requiresExp(config);
    this.checks = checks(config);
    this.configured = configuredKeys(config);
    String jwksUrl = config.get(Settings.JWT_JWKS_URL);
    this.selectByKid = jwksUrl != null || !config.get(Settings.JWT_KEYS).isEmpty();
    this.metrics = metrics;
    this.keys = new VerificationKeys(vertx, checks, configured, List.of(), selectByKid);
    Set<String> configuredKids = keys.kids();
    this.jwks = jwksUrl == null ? null : new JwksSource(vertx, jwksUrl, config.get(Settings.JWT_JWKS_REFRESH_SECONDS),
        config.get(Settings.JWT_JWKS_MIN_INTERVAL_SECONDS), config.get(Settings.JWT_JWKS_TIMEOUT_MS), config.get(Settings.JWT_JWKS_MAX_BYTES),
        configuredKids, fetched -> keys = new VerificationKeys(vertx, checks, configured, fetched, selectByKid), metrics);
    if (metrics != null) metrics.tokenKeyMeters(jwks != null, () -> keys.jwksKeys(), () -> jwks == null ? -1 : jwks.ageSeconds());
    if (jwks != null) jwks.start();
  }

  /** {@code jwt.requireExp}: {@code auto} means required in production mode (a token without exp never expires). */
  static boolean requiresExp(VPushConfig config) {
    String v = config.get(Settings.JWT_REQUIRE_EXP);
    return "auto".equals(v) ? !config.isDev() : Boolean.parseBoolean(v);
  }

  private static JWTOptions checks(VPushConfig config) {
    JWTOptions checks = new JWTOptions().setLeeway(config.get(Settings.JWT_LEEWAY_SECONDS));
    if (config.get(Settings.JWT_ISSUER) != null) checks.setIssuer(config.get(Settings.JWT_ISSUER));
    if (!config.get(Settings.JWT_AUDIENCE).isEmpty()) checks.setAudience(config.get(Settings.JWT_AUDIENCE));
    return checks;
  }

  /** jwt.secret and jwt.publicKey (no key id, as before key rotation), then every jwt.keys entry with its id. */
  static List<PubSecKeyOptions> configuredKeys(VPushConfig config) {
    List<PubSecKeyOptions> out = new ArrayList<>();
    String secret = config.get(Settings.JWT_SECRET);
    if (secret != null) out.add(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret));
    String publicKey = config.get(Settings.JWT_PUBLIC_KEY);
    if (publicKey != null) out.add(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem(publicKey)));
    for (JwtKeys.Entry e : JwtKeys.of(config)) {
      out.add(new PubSecKeyOptions().setAlgorithm(e.alg()).setId(e.kid()).setBuffer(e.material()));
    }
    return out;
  }

  /** Fetches the JWKS now (or joins the fetch under way); completes at once without {@code jwt.jwksUrl}. */
  public Future<Void> refreshKeys() {
    return jwks == null ? Future.succeededFuture() : jwks.refresh();
  }

  /** Stops the JWKS refresh. */
  public void close() {
    if (jwks != null) jwks.close();
  }

  /** Verifies signature and expiry; fails with a reason fit to show the client. */
  public Future<TokenClaims> verify(String token) {
    if (token == null || token.isBlank()) return Future.failedFuture("token missing");
    String kid;
    try {
      kid = kid(token);
    } catch (RuntimeException e) {
      return Future.failedFuture("invalid or expired token");
    }
    VerificationKeys current = keys;
    VerificationKeys.Choice choice = current.choose(kid);
    if (choice == VerificationKeys.Choice.UNKNOWN && jwks != null) {
      // Perhaps the issuer rotated ahead of our refresh: look once more (rate-limited), then decide.
      return jwks.refreshForUnknownKid().compose(v -> check(token, keys, keys.choose(kid)));
    }
    return check(token, current, choice);
  }

  private Future<TokenClaims> check(String token, VerificationKeys current, VerificationKeys.Choice choice) {
    if (choice == VerificationKeys.Choice.UNKNOWN) {
      if (metrics != null) metrics.tokenUnknownKid();
      return Future.failedFuture(UNKNOWN_KID);
    }
    if (choice == VerificationKeys.Choice.NONE) return Future.failedFuture("invalid or expired token");
    JWTAuth jwt = current.provider(choice);
    Future<io.vertx.ext.auth.User> user;
    try {
      user = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth-jwt throws instead of failing for some signed payloads (an "exp" that is not a number).
      user = Future.failedFuture(e);
    }
    return user
        .recover(e -> Future.failedFuture("invalid or expired token"))
        .compose(u -> {
          JsonObject claims = u.principal();
          // vertx-auth-jwt moves exp into the user's attributes.
          Object exp = claims.containsKey("exp") ? claims.getValue("exp") : u.attributes().getValue("exp");
          if (requireExp && !(exp instanceof Number)) return Future.failedFuture("token has no exp");
          try {
            return Future.succeededFuture(new TokenClaims(claims.getString("sub"), strings(claims.getValue("topics")),
                strings(claims.getValue("devices")), TokenClaims.expOf(exp)));
          } catch (ClassCastException e) {
            return Future.failedFuture("invalid token claims"); // a "sub" that is not a string
          }
        });
  }

  /** The header's kid, or null; throws for a token that is not three base64url JSON segments' worth of header. */
  static String kid(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) throw new IllegalArgumentException("no header");
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
    Object kid = header.getValue("kid");
    if (kid != null && !(kid instanceof String)) throw new IllegalArgumentException("kid is not a string");
    return (String) kid;
  }

  private static List<String> strings(Object raw) {
    if (raw instanceof JsonArray arr) {
      List<String> out = new ArrayList<>(arr.size());
      for (Object o : arr) out.add(String.valueOf(o));
      return out;
    }
    if (raw instanceof String s) return List.of(s.split(","));
    return List.of();
  }

  private static String pem(String value) {
    if (value.contains("-----BEGIN")) return value;
    try {
      return Files.readString(Path.of(value));
    } catch (IOException e) {
      throw new io.vpush.config.ConfigException("config error: 'jwt.publicKey' is neither PEM text nor a readable file: " + value);
    }
  }
}
