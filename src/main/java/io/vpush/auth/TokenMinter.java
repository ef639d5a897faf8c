package io.vpush.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vpush.auth.TokenVerifier;
import io.vpush.config.ConfigException;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

import java.util.List;

/** Mints HS256 client tokens with the configured secret ({@code gentoken}, the dev token route, tests). */
public final class TokenMinter {

  private TokenMinter() {}

  public static String mint(Vertx vertx, VPushConfig config, String user, long ttlSeconds, List<String> topics, List<String> devices) {
    if (config.get(Settings.JWT_SECRET) == null) {
      throw new ConfigException("config error: 'jwt.secret' (VPUSH_JWT_SECRET) is not set; gentoken signs HS256 tokens with it");
    }
    JWTAuth jwt = JWTAuth.create(vertx, TokenVerifier.options(config.with(Settings.JWT_PUBLIC_KEY, null)));
    JsonObject claims = new JsonObject().put("sub", user);
    if (!topics.isEmpty()) claims.put("topics", new JsonArray(topics));
    if (!devices.isEmpty()) claims.put("devices", new JsonArray(devices));
    JWTOptions options = new JWTOptions().setAlgorithm("HS256");
    if (ttlSeconds > 0) options.setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttlSeconds));
    // Tokens this node mints pass its own iss/aud rules.
    if (config.get(Settings.JWT_ISSUER) != null) options.setIssuer(config.get(Settings.JWT_ISSUER));
    if (!config.get(Settings.JWT_AUDIENCE).isEmpty()) options.setAudience(config.get(Settings.JWT_AUDIENCE));
    return jwt.generateToken(claims, options);
  }
}
