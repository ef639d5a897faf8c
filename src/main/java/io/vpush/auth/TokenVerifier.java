package io.vpush.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies client JWTs (HS256 with {@code jwt.secret}, RS256 with {@code jwt.publicKey}) with vertx-auth-jwt: the
 * signature, {@code exp}/{@code nbf}/{@code iat} within {@code jwt.leewaySeconds}, {@code iss} and {@code aud} when
 * configured, and that {@code exp} is there at all when {@code jwt.requireExp} (by default in production mode).
 */
public final class TokenVerifier {

  private final JWTAuth jwt;
  private final boolean requireExp;

  public TokenVerifier(Vertx vertx, VPushConfig config) {
    this.jwt = JWTAuth.create(vertx, options(config));
    this.requireExp = requiresExp(config);
  }

  /** {@code jwt.requireExp}: {@code auto} means required in production mode (a token without exp never expires). */
  static boolean requiresExp(VPushConfig config) {
    String v = config.get(Settings.JWT_REQUIRE_EXP);
    return "auto".equals(v) ? !config.isDev() : Boolean.parseBoolean(v);
  }

  /** The options for the configured keys; shared with {@code gentoken} so both read the same configuration. */
  public static JWTAuthOptions options(VPushConfig config) {
    JWTAuthOptions options = new JWTAuthOptions();
    String secret = config.get(Settings.JWT_SECRET);
    if (secret != null) options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret));
    String publicKey = config.get(Settings.JWT_PUBLIC_KEY);
    if (publicKey != null) options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem(publicKey)));
    JWTOptions checks = new JWTOptions().setLeeway(config.get(Settings.JWT_LEEWAY_SECONDS));
    if (config.get(Settings.JWT_ISSUER) != null) checks.setIssuer(config.get(Settings.JWT_ISSUER));
    if (!config.get(Settings.JWT_AUDIENCE).isEmpty()) checks.setAudience(config.get(Settings.JWT_AUDIENCE));
    return options.setJWTOptions(checks);
  }

  /** Verifies signature and expiry; fails with a reason fit to show the client. */
  public Future<TokenClaims> verify(String token) {
    if (token == null || token.isBlank()) return Future.failedFuture("token missing");
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
