package io.vpush.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Client tokens as a business backend mints them (HS256 JWT with {@code sub} and {@code exp}), for tests outside the server. */
public final class Hs256Tokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Hs256Tokens() {}

  /** A token for {@code user} signed with {@code secret}, valid for {@code ttlSeconds} (negative: already expired). */
  public static String mint(String secret, String user, long ttlSeconds) {
    String head = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    long exp = System.currentTimeMillis() / 1000 + ttlSeconds;
    String claims = encode("{\"sub\":\"" + user + "\",\"exp\":" + exp + "}");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return head + "." + claims + "." + B64.encodeToString(mac.doFinal((head + "." + claims).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
