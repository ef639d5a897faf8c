package io.vpush.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Mints HS256 client tokens ({@code sub} = user) from the shared secret, as the business backend would. */
public final class Tokens {

  private final JWTAuth auth;

  public Tokens(Vertx vertx, String secret) {
    this.auth = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
  }

  public String forUser(String user) {
    return auth.generateToken(new JsonObject().put("sub", user), new JWTOptions().setAlgorithm("HS256"));
  }
}
