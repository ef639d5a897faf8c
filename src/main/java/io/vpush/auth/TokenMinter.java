package io.vpush.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vpush.config.ConfigException;
import io.vpush.config.JwtKeys;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

import java.util.List;

/**
 * Mints HS256 client tokens ({@code gentoken}, the dev token route, tests) with {@code jwt.secret}, or with an
 * HS256 key of {@code jwt.keys} (named by {@code --kid} when there are several; its kid goes in the header).
 */
public final class TokenMinter {

  private TokenMinter() {}

  public static String mint(Vertx vertx, VPushConfig config, String user, long ttlSeconds, List<String> topics, List<String> devices) {
    return mint(vertx, config, user, ttlSeconds, topics, devices, null);
  }

  /** @param kid the jwt.keys HS256 key to sign with; null: jwt.secret, else the only HS256 key of jwt.keys */
  public static String mint(Vertx vertx, VPushConfig config, String user, long ttlSeconds, List<String> topics, List<String> devices,
                            String kid) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(signingKey(config, kid)));
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

  private static PubSecKeyOptions signingKey(VPushConfig config, String kid) {
    List<JwtKeys.Entry> hs = JwtKeys.of(config).stream().filter(e -> e.alg().equals("HS256")).toList();
    if (kid != null) {
      for (JwtKeys.Entry e : hs) {
        if (e.kid().equals(kid)) return new PubSecKeyOptions().setAlgorithm("HS256").setId(kid).setBuffer(e.material());
      }
      throw new ConfigException("config error: no HS256 key with id '" + kid + "' in 'jwt.keys' (HS256 ids: "
          + hs.stream().map(JwtKeys.Entry::kid).toList() + ")");
    }
    String secret = config.get(Settings.JWT_SECRET);
    if (secret != null) return new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret);
    if (hs.size() == 1) return new PubSecKeyOptions().setAlgorithm("HS256").setId(hs.get(0).kid()).setBuffer(hs.get(0).material());
    if (hs.size() > 1) {
      throw new ConfigException("config error: 'jwt.keys' has several HS256 keys " + hs.stream().map(JwtKeys.Entry::kid).toList()
          + "; choose the one to sign with (gentoken --kid ID)");
    }
    throw new ConfigException("config error: 'jwt.secret' (VPUSH_JWT_SECRET) is not set and 'jwt.keys' has no HS256 key; gentoken signs HS256 tokens");
  }
}
