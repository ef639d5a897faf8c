package io.vpush.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One immutable set of client-token verification keys (the configured ones plus the last good JWKS) and which of
 * them a token may be checked against, by its {@code kid}.
 *
 * <p>Two vertx-auth-jwt providers: {@code all} holds every key (a token without kid is tried against every key of
 * its alg, as before key ids existed), {@code keyed} only the keys that have an id (vertx-auth-jwt then checks a
 * token naming a kid against that key alone). Neither is ever built empty: a vertx-auth-jwt provider without keys
 * runs in "unsecured" mode and would accept an unsigned {@code alg:none} token.
 */
final class VerificationKeys {

  /** Which keys a token is checked against. */
  enum Choice {
    /** every key of the token's alg */
    ALL,
    /** the one key its kid names */
    KEYED,
    /** its kid names no key: refused as {@code unknown key id} */
    UNKNOWN,
    /** no key at all (a JWKS-only node before its first good fetch): refused */
    NONE
  }

  private final Set<String> kids;
  private final boolean selectByKid;
  private final int jwksKeys;
  private final JWTAuth all;
  private final JWTAuth keyed;

  /**
   * @param pems        configured keys (jwt.secret and jwt.publicKey without id, jwt.keys with one)
   * @param jwks        JWKs from the last good fetch, already checked ({@link JwksDocument})
   * @param selectByKid whether a kid selects the key (jwt.keys or jwt.jwksUrl configured); with only jwt.secret /
   *                    jwt.publicKey a token's kid is not looked at, as before
   */
  VerificationKeys(Vertx vertx, JWTOptions checks, List<PubSecKeyOptions> pems, List<JsonObject> jwks, boolean selectByKid) {
    this.selectByKid = selectByKid;
    this.jwksKeys = jwks.size();
    Set<String> ids = new HashSet<>();
    JWTAuthOptions allOptions = new JWTAuthOptions().setJWTOptions(checks);
    JWTAuthOptions keyedOptions = new JWTAuthOptions().setJWTOptions(checks);
    for (PubSecKeyOptions key : pems) {
      allOptions.addPubSecKey(key);
      if (key.getId() != null && ids.add(key.getId())) keyedOptions.addPubSecKey(key);
    }
    for (JsonObject jwk : jwks) {
      String kid = jwk.getString("kid");
      if (kid != null && !ids.add(kid)) continue; // a configured key of that id wins (JwksDocument drops these already)
      allOptions.addJwk(jwk);
      if (kid != null) keyedOptions.addJwk(jwk);
    }
    this.kids = Set.copyOf(ids);
    boolean any = !pems.isEmpty() || !jwks.isEmpty();
    this.all = any ? JWTAuth.create(vertx, allOptions) : null;
    this.keyed = ids.isEmpty() ? null : JWTAuth.create(vertx, keyedOptions);
  }

  /** The pure rule: which keys a token with {@code kid} (null: none) is checked against. */
  static Choice choose(String kid, boolean anyKey, Set<String> kids, boolean selectByKid) {
    if (kid == null || !selectByKid) return anyKey ? Choice.ALL : Choice.NONE;
    return kids.contains(kid) ? Choice.KEYED : Choice.UNKNOWN;
  }

  Choice choose(String kid) {
    return choose(kid, all != null, kids, selectByKid);
  }

  /** The provider for a choice of {@link Choice#ALL} or {@link Choice#KEYED}. */
  JWTAuth provider(Choice choice) {
    return choice == Choice.KEYED ? keyed : all;
  }

  /** Key ids known (configured and fetched). */
  Set<String> kids() {
    return kids;
  }

  /** How many keys came from the JWKS. */
  int jwksKeys() {
    return jwksKeys;
  }
}
