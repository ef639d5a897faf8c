package io.vpush.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 JWTs written by hand, so that the fuzz can sign claims no well-behaved minter would (an {@code exp} string). */
final class Jwt {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwt() {}

  /** A token with header {@code headerJson} and claims {@code claimsJson}, signed HS256 with {@code secret}. */
  static String sign(String secret, String headerJson, String claimsJson) {
    String signingInput = b64(headerJson) + "." + b64(claimsJson);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A valid token for {@code user}, good for an hour. */
  static String good(String secret, String user) {
    long exp = System.currentTimeMillis() / 1000 + 3600;
    return sign(secret, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":" + quote(user) + ",\"exp\":" + exp + "}");
  }

  static String b64(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String quote(String s) {
    return io.vertx.core.json.Json.encode(s);
  }
}
