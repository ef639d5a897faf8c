package io.vpush.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vpush.config.JwtKeys;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A JWKS (RFC 7517) as fetched, reduced to the keys vpush verifies with: signature keys ({@code use} absent or
 * {@code sig}) of type RSA (RS256, 2048 bits or more) or EC (ES256 on P-256), public members only, first of each kid.
 * Anything else in the document is skipped and named in {@link #skipped()}; a document with no usable key is refused.
 */
record JwksDocument(List<JsonObject> keys, List<String> skipped) {

  /** Parses a JWKS body; {@code configuredKids} are ids jwt.keys has already (those win, the fetched ones are skipped). */
  static JwksDocument parse(String body, Set<String> configuredKids) {
    JsonArray array;
    try {
      array = new JsonObject(body).getJsonArray("keys");
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a JWKS: " + e.getMessage());
    }
    if (array == null) throw new IllegalArgumentException("not a JWKS: no \"keys\" array");
    List<JsonObject> keys = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<String> seen = new HashSet<>(configuredKids);
    for (int i = 0; i < array.size(); i++) {
      Object raw = array.getValue(i);
      String name = "key " + (i + 1);
      if (!(raw instanceof JsonObject jwk)) {
        skipped.add(name + ": not an object");
        continue;
      }
      Object kidValue = jwk.getValue("kid");
      if (kidValue != null && !(kidValue instanceof String)) {
        skipped.add(name + ": kid is not a string");
        continue;
      }
      String kid = (String) kidValue;
      if (kid != null) name = "kid '" + printable(kid) + "'";
      String problem = problem(jwk);
      if (problem == null && kid != null && !seen.add(kid)) problem = "duplicate or configured kid";
      if (problem != null) {
        skipped.add(name + ": " + problem);
        continue;
      }
      keys.add(publicPart(jwk));
    }
    if (keys.isEmpty()) throw new IllegalArgumentException("no usable RS256/ES256 key in the JWKS (" + String.join("; ", skipped) + ")");
    return new JwksDocument(List.copyOf(keys), List.copyOf(skipped));
  }

  private static String problem(JsonObject jwk) {
    Object use = jwk.getValue("use");
    if (use != null && !"sig".equals(use)) return "use is not sig";
    String kty = jwk.getValue("kty") instanceof String s ? s : null;
    Object alg = jwk.getValue("alg");
    try {
      if ("RSA".equals(kty)) {
        if (alg != null && !"RS256".equals(alg)) return "alg " + alg + " is not RS256";
        if (!(jwk.getValue("n") instanceof String n) || !(jwk.getValue("e") instanceof String)) return "RSA key without n and e";
        int bits = new java.math.BigInteger(1, Base64.getUrlDecoder().decode(n)).bitLength();
        if (bits < JwtKeys.MIN_RSA_BITS) return "RSA key of " + bits + " bits, at least " + JwtKeys.MIN_RSA_BITS + " needed";
      } else if ("EC".equals(kty)) {
        if (alg != null && !"ES256".equals(alg)) return "alg " + alg + " is not ES256";
        if (!"P-256".equals(jwk.getValue("crv"))) return "EC key not on P-256";
        if (!(jwk.getValue("x") instanceof String) || !(jwk.getValue("y") instanceof String)) return "EC key without x and y";
      } else {
        return "kty " + (kty == null ? "missing" : printable(kty)) + " is not RSA or EC";
      }
      // vertx-auth-jwt's own reading of the key: what it cannot read it would skip silently when added.
      new JWK(publicPart(jwk));
      return null;
    } catch (RuntimeException e) {
      return "unreadable key (" + e.getClass().getSimpleName() + ")";
    }
  }

  // Only the public members, with alg made explicit: a private part in a published JWKS is not ours to hold.
  private static JsonObject publicPart(JsonObject jwk) {
    String kty = jwk.getString("kty");
    JsonObject out = new JsonObject().put("kty", kty).put("use", "sig");
    if (jwk.getValue("kid") != null) out.put("kid", jwk.getString("kid"));
    if ("RSA".equals(kty)) {
      out.put("alg", "RS256").put("n", jwk.getString("n")).put("e", jwk.getString("e"));
    } else {
      out.put("alg", "ES256").put("crv", "P-256").put("x", jwk.getString("x")).put("y", jwk.getString("y"));
    }
    return out;
  }

  // A fetched value going into a log line: bounded and without control characters.
  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
