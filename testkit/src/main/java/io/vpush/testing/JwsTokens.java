package io.vpush.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Client tokens signed as an identity provider signs them (HS256, RS256, ES256, with or without {@code kid}), the
 * keys to sign them with (JDK KeyPairGenerator) and their public halves as PEM or JWK, for key-rotation and JWKS tests.
 */
public final class JwsTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private JwsTokens() {}

  /** A fresh RSA 2048 key pair. */
  public static KeyPair rsa() {
    return generate("RSA", 2048, null);
  }

  /** A fresh EC key pair on P-256. */
  public static KeyPair ec() {
    return generate("EC", 0, "secp256r1");
  }

  /** A token for {@code user} expiring in {@code ttlSeconds}. */
  public static String claims(String user, long ttlSeconds) {
    return "{\"sub\":\"" + user + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + ttlSeconds) + "}";
  }

  /** An HS256 token over {@code claimsJson}; {@code kid} null: no kid in the header. */
  public static String hs256(String secret, String kid, String claimsJson) {
    String input = input("HS256", kid, claimsJson);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RS256 token signed with {@code key}. */
  public static String rs256(PrivateKey key, String kid, String claimsJson) {
    return sign("RS256", "SHA256withRSA", key, kid, claimsJson);
  }

  /** An ES256 token signed with {@code key} (signature as JWS wants it: r and s, 32 bytes each). */
  public static String es256(PrivateKey key, String kid, String claimsJson) {
    return sign("ES256", "SHA256withECDSAinP1363Format", key, kid, claimsJson);
  }

  /** A public key as PEM text ({@code -----BEGIN PUBLIC KEY-----}). */
  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** A public key as one JWK object (RFC 7517) with {@code kid}. */
  public static String jwk(PublicKey key, String kid) {
    if (key instanceof RSAPublicKey rsa) {
      return "{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"n\":\"" + unsigned(rsa.getModulus(), 0)
          + "\",\"e\":\"" + unsigned(rsa.getPublicExponent(), 0) + "\"}";
    }
    ECPublicKey ec = (ECPublicKey) key;
    return "{\"kty\":\"EC\",\"use\":\"sig\",\"alg\":\"ES256\",\"crv\":\"P-256\",\"kid\":\"" + kid + "\",\"x\":\""
        + unsigned(ec.getW().getAffineX(), 32) + "\",\"y\":\"" + unsigned(ec.getW().getAffineY(), 32) + "\"}";
  }

  /** A JWKS document of JWK objects made by {@link #jwk}. */
  public static String jwks(String... jwks) {
    return "{\"keys\":[" + String.join(",", jwks) + "]}";
  }

  private static String sign(String alg, String jca, PrivateKey key, String kid, String claimsJson) {
    String input = input(alg, kid, claimsJson);
    try {
      Signature s = Signature.getInstance(jca);
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.UTF_8));
      return input + "." + B64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String input(String alg, String kid, String claimsJson) {
    String head = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"" + (kid == null ? "" : ",\"kid\":\"" + kid + "\"") + "}";
    return encode(head) + "." + encode(claimsJson);
  }

  private static String encode(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  // Big-endian without the sign byte, left-padded to size when size > 0.
  private static String unsigned(BigInteger v, int size) {
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) b = Arrays.copyOfRange(b, 1, b.length);
    if (size > b.length) {
      byte[] padded = new byte[size];
      System.arraycopy(b, 0, padded, size - b.length, b.length);
      b = padded;
    }
    return B64.encodeToString(b);
  }

  private static KeyPair generate(String alg, int bits, String curve) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance(alg);
      if (curve != null) gen.initialize(new ECGenParameterSpec(curve));
      else gen.initialize(bits);
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
