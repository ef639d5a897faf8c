package io.vpush.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The entries of {@code jwt.keys} ({@code kid:alg:value}), parsed and checked: the algorithm is one vpush verifies,
 * the kid is unique, an HS256 secret is long enough, and an RS256/ES256 value is (or names a file holding) a PEM
 * public key of the right type.
 */
public final class JwtKeys {

  /** The algorithms a client token may be signed with. */
  public static final List<String> ALGORITHMS = List.of("HS256", "RS256", "ES256");
  /**
   * RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output (256 bits); shorter secrets
   * are open to offline brute force of a single captured token.
   */
  public static final int MIN_SECRET_BYTES = 32;
  /** RSA keys under 2048 bits are refused (RFC 7518 section 3.3 requires 2048 or more for RS256). */
  public static final int MIN_RSA_BITS = 2048;
  // A kid travels in the token header and in metrics-free logs; ':' and ',' would break the entry syntax.
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9._~+/=-]{1,128}");

  private JwtKeys() {}

  /**
   * One verification key.
   *
   * @param kid the key id a token names in its header
   * @param alg HS256, RS256 or ES256
   * @param material the HS256 secret, or the PEM text of the public key (read from the file when a path was given)
   */
  public record Entry(String kid, String alg, String material) {
    @Override
    public String toString() {
      return kid + ":" + alg; // never the secret
    }
  }

  /** The configured {@code jwt.keys}, parsed (the config was checked at load, so this does not fail). */
  public static List<Entry> of(VPushConfig config) {
    return parse(config.get(Settings.JWT_KEYS), config.source(Settings.JWT_KEYS));
  }

  /** Parses and checks entries; a problem is a {@link ConfigException} naming the key id and {@code source}. */
  public static List<Entry> parse(List<String> entries, String source) {
    List<Entry> out = new ArrayList<>(entries.size());
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String raw = entries.get(i);
      int a = raw.indexOf(':');
      int b = a < 0 ? -1 : raw.indexOf(':', a + 1);
      if (b < 0) throw bad(source, "entry " + (i + 1) + " is not kid:alg:value (HS256 secret, or RS256/ES256 PEM text or file)");
      String kid = raw.substring(0, a).trim();
      String alg = raw.substring(a + 1, b).trim();
      String value = raw.substring(b + 1);
      if (!KID.matcher(kid).matches()) {
        throw bad(source, "entry " + (i + 1) + ": key id must be 1-128 characters of A-Z a-z 0-9 . _ ~ + / = -");
      }
      if (!kids.add(kid)) throw bad(source, "key '" + kid + "': duplicate key id");
      if (!ALGORITHMS.contains(alg)) throw bad(source, "key '" + kid + "': algorithm '" + alg + "' is not one of " + ALGORITHMS);
      if (alg.equals("HS256")) {
        if (value.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
          throw bad(source, "key '" + kid + "': an HS256 secret must be at least " + MIN_SECRET_BYTES + " bytes (RFC 7518 3.2)");
        }
        out.add(new Entry(kid, alg, value));
      } else {
        String pem = pemText(value.trim(), source, kid);
        String problem = checkPublicKey(pem, alg);
        if (problem != null) throw bad(source, "key '" + kid + "': " + problem);
        out.add(new Entry(kid, alg, pem));
      }
    }
    return List.copyOf(out);
  }

  private static String pemText(String value, String source, String kid) {
    if (value.contains("-----BEGIN")) return value;
    try {
      return Files.readString(Path.of(value));
    } catch (IOException | RuntimeException e) {
      throw bad(source, "key '" + kid + "': neither PEM text nor a readable PEM file: " + value);
    }
  }

  /** Why {@code pem} is not a public key for {@code alg} (RS256: RSA of 2048+ bits; ES256: EC on P-256), or null. */
  static String checkPublicKey(String pem, String alg) {
    PublicKey key;
    try {
      key = publicKey(pem);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "not a PEM public key or certificate (" + e.getMessage() + ")";
    }
    if (alg.equals("RS256")) {
      if (!(key instanceof RSAPublicKey rsa)) return "RS256 needs an RSA public key, got " + key.getAlgorithm();
      if (rsa.getModulus().bitLength() < MIN_RSA_BITS) return "RSA key of " + rsa.getModulus().bitLength() + " bits, at least " + MIN_RSA_BITS + " needed";
      return null;
    }
    if (!(key instanceof ECPublicKey ec)) return "ES256 needs an EC public key, got " + key.getAlgorithm();
    if (ec.getParams().getCurve().getField().getFieldSize() != 256) return "ES256 needs a P-256 key";
    return null;
  }

  private static PublicKey publicKey(String pem) throws GeneralSecurityException {
    String text = pem.trim();
    int begin = text.indexOf("-----BEGIN ");
    int endOfBegin = begin < 0 ? -1 : text.indexOf("-----", begin + 11);
    if (endOfBegin < 0) throw new IllegalArgumentException("no BEGIN line");
    String kind = text.substring(begin + 11, endOfBegin);
    int end = text.indexOf("-----END " + kind + "-----", endOfBegin);
    if (end < 0) throw new IllegalArgumentException("no END line for " + kind);
    byte[] der = Base64.getMimeDecoder().decode(text.substring(endOfBegin + 5, end));
    switch (kind) {
      case "PUBLIC KEY": {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
          return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
          return KeyFactory.getInstance("EC").generatePublic(spec);
        }
      }
      case "CERTIFICATE":
        return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
      default:
        // A private key here means the node would hold what signs tokens: refuse it, it needs only the public half.
        throw new IllegalArgumentException("'" + kind + "' is not a PUBLIC KEY or CERTIFICATE");
    }
  }

  private static ConfigException bad(String source, String problem) {
    return ConfigException.badValue(Settings.JWT_KEYS.key(), source, problem);
  }
}
