package io.vpush.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * Start-time checks of the TLS settings (HTTP port, TCP bridge, Redis, Kafka): the combinations make sense and every
 * file named is readable and of the kind the setting says, so a node never starts half secured. Errors name the key and
 * where its value came from; they never quote a password.
 */
public final class TlsChecks {

  private TlsChecks() {}

  /** Whether the HTTP port serves TLS (a certificate is configured). */
  public static boolean httpTls(VPushConfig c) {
    return c.get(Settings.TLS_CERT_PATH) != null || c.get(Settings.TLS_PKCS12_PATH) != null;
  }

  /** Throws a {@link ConfigException} naming the first setting that is wrong. */
  static void validate(VPushConfig c) {
    httpPort(c);
    bridge(c);
    redis(c);
    kafka(c);
  }

  private static void httpPort(VPushConfig c) {
    String cert = c.get(Settings.TLS_CERT_PATH);
    String key = c.get(Settings.TLS_KEY_PATH);
    String p12 = c.get(Settings.TLS_PKCS12_PATH);
    if (p12 != null && (cert != null || key != null)) {
      throw bad(c, Settings.TLS_PKCS12_PATH, "give either tls.pkcs12Path or tls.certPath with tls.keyPath, not both");
    }
    pemPair(c, Settings.TLS_CERT_PATH, Settings.TLS_KEY_PATH);
    if (p12 != null) {
      pkcs12(c, Settings.TLS_PKCS12_PATH, c.get(Settings.TLS_PKCS12_PASSWORD));
    } else if (c.get(Settings.TLS_PKCS12_PASSWORD) != null) {
      throw bad(c, Settings.TLS_PKCS12_PASSWORD, "set without tls.pkcs12Path");
    }
    if (c.get(Settings.TLS_CLIENT_CA_PATH) != null) {
      if (!httpTls(c)) throw bad(c, Settings.TLS_CLIENT_CA_PATH, "needs the port's own certificate (tls.certPath and tls.keyPath, or tls.pkcs12Path)");
      certificates(c, Settings.TLS_CLIENT_CA_PATH);
    }
  }

  private static void bridge(VPushConfig c) {
    if (c.get(Settings.TCP_BRIDGE_TLS) && !httpTls(c)) {
      throw bad(c, Settings.TCP_BRIDGE_TLS, "the bridge serves the HTTP port's certificate: set tls.certPath and tls.keyPath, or tls.pkcs12Path");
    }
    if (c.get(Settings.TCP_BRIDGE_CLIENT_CA_PATH) != null) {
      if (!c.get(Settings.TCP_BRIDGE_TLS)) throw bad(c, Settings.TCP_BRIDGE_CLIENT_CA_PATH, "needs tcpBridge.tls=true");
      certificates(c, Settings.TCP_BRIDGE_CLIENT_CA_PATH);
    }
  }

  private static void redis(VPushConfig c) {
    List<String> urls = c.get(Settings.REDIS_URL);
    long secure = urls.stream().filter(u -> u.startsWith("rediss://")).count();
    if (secure != 0 && secure != urls.size()) {
      throw bad(c, Settings.REDIS_URL, "mixes rediss:// and redis:// URLs: one connection pool is either TLS or not");
    }
    boolean tlsSettings = c.get(Settings.REDIS_TLS_CA_PATH) != null || c.get(Settings.REDIS_TLS_CERT_PATH) != null
        || c.get(Settings.REDIS_TLS_KEY_PATH) != null;
    if (secure == 0 && tlsSettings && "redis".equals(c.get(Settings.STORE))) {
      Setting<String> set = c.get(Settings.REDIS_TLS_CA_PATH) != null ? Settings.REDIS_TLS_CA_PATH
          : c.get(Settings.REDIS_TLS_CERT_PATH) != null ? Settings.REDIS_TLS_CERT_PATH : Settings.REDIS_TLS_KEY_PATH;
      throw bad(c, set, "is for rediss:// URLs, but redis.url has none (write rediss://host:port)");
    }
    if (c.get(Settings.REDIS_TLS_CA_PATH) != null) certificates(c, Settings.REDIS_TLS_CA_PATH);
    pemPair(c, Settings.REDIS_TLS_CERT_PATH, Settings.REDIS_TLS_KEY_PATH);
  }

  private static void kafka(VPushConfig c) {
    String protocol = c.get(Settings.KAFKA_SECURITY_PROTOCOL);
    boolean ssl = protocol.endsWith("ssl");
    boolean sasl = protocol.startsWith("sasl");
    if (sasl) {
      if (c.get(Settings.KAFKA_SASL_USERNAME) == null) throw bad(c, Settings.KAFKA_SASL_USERNAME, "is required with kafka.securityProtocol=" + protocol);
      if (c.get(Settings.KAFKA_SASL_PASSWORD) == null) throw bad(c, Settings.KAFKA_SASL_PASSWORD, "is required with kafka.securityProtocol=" + protocol);
    } else {
      for (Setting<?> s : List.of(Settings.KAFKA_SASL_USERNAME, Settings.KAFKA_SASL_PASSWORD)) {
        if (c.get(s) != null) throw bad(c, s, "needs kafka.securityProtocol sasl_plaintext or sasl_ssl (it is " + protocol + ")");
      }
      if (!"default".equals(c.source(Settings.KAFKA_SASL_MECHANISM))) {
        throw bad(c, Settings.KAFKA_SASL_MECHANISM, "needs kafka.securityProtocol sasl_plaintext or sasl_ssl (it is " + protocol + ")");
      }
    }
    for (Setting<String> s : List.of(Settings.KAFKA_SSL_TRUSTSTORE_PATH, Settings.KAFKA_SSL_KEYSTORE_PATH)) {
      if (c.get(s) == null) continue;
      if (!ssl) throw bad(c, s, "needs kafka.securityProtocol ssl or sasl_ssl (it is " + protocol + ")");
      readable(c, s);
    }
    store(c, Settings.KAFKA_SSL_TRUSTSTORE_PATH, Settings.KAFKA_SSL_TRUSTSTORE_TYPE, Settings.KAFKA_SSL_TRUSTSTORE_PASSWORD);
    store(c, Settings.KAFKA_SSL_KEYSTORE_PATH, Settings.KAFKA_SSL_KEYSTORE_TYPE, Settings.KAFKA_SSL_KEYSTORE_PASSWORD);
  }

  // A store's file read as its type says; pkcs12 and jks need their password (PEM truststores take none).
  private static void store(VPushConfig c, Setting<String> path, Setting<String> type, Setting<String> password) {
    String file = c.get(path);
    String t = c.get(type);
    if (file == null) {
      if (c.get(password) != null) throw bad(c, password, "set without " + path.key());
      return;
    }
    if ("pem".equals(t)) {
      String text = text(c, path);
      if (!text.contains("-----BEGIN CERTIFICATE-----")) throw bad(c, path, "is not a PEM file with a certificate: " + file);
      if (path == Settings.KAFKA_SSL_KEYSTORE_PATH && !text.contains("PRIVATE KEY-----")) {
        throw bad(c, path, "a pem keystore holds the private key (PKCS#8) and the certificate chain in one file; no key in " + file);
      }
      if (path == Settings.KAFKA_SSL_TRUSTSTORE_PATH && c.get(password) != null) throw bad(c, password, "a pem truststore has no password");
    } else {
      if (c.get(password) == null) throw bad(c, password, "is required for a " + t + " " + path.key());
      keyStore(c, path, t.toUpperCase(java.util.Locale.ROOT), c.get(password));
    }
  }

  // A PEM certificate and its key: both or neither, readable, each the right kind.
  private static void pemPair(VPushConfig c, Setting<String> certKey, Setting<String> keyKey) {
    String cert = c.get(certKey);
    String key = c.get(keyKey);
    if (cert == null && key == null) return;
    if (cert == null) throw bad(c, keyKey, "set without " + certKey.key());
    if (key == null) throw bad(c, certKey, "set without " + keyKey.key() + " (the certificate's private key)");
    certificates(c, certKey);
    String text = text(c, keyKey);
    if (text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw bad(c, keyKey, "is an encrypted key; give it unencrypted (file permissions protect it) or use a PKCS#12 file with a password");
    }
    if (!text.contains("PRIVATE KEY-----")) throw bad(c, keyKey, "is not a PEM private key: " + key);
  }

  // A PEM file of one or more X.509 certificates.
  private static void certificates(VPushConfig c, Setting<String> s) {
    readable(c, s);
    try (InputStream in = Files.newInputStream(Path.of(c.get(s)))) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw bad(c, s, "holds no certificate: " + c.get(s));
      }
    } catch (IOException | GeneralSecurityException e) {
      throw bad(c, s, "is not a PEM certificate file: " + c.get(s) + " (" + e.getMessage() + ")");
    }
  }

  private static void pkcs12(VPushConfig c, Setting<String> s, String password) {
    keyStore(c, s, "PKCS12", password);
  }

  private static void keyStore(VPushConfig c, Setting<String> s, String type, String password) {
    readable(c, s);
    try (InputStream in = Files.newInputStream(Path.of(c.get(s)))) {
      KeyStore.getInstance(type).load(in, password == null ? null : password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      // The JDK says "keystore password was incorrect" for a wrong password: no password in the message.
      throw bad(c, s, "cannot be opened as " + type + ": " + c.get(s) + " (" + e.getMessage() + ")");
    }
  }

  private static String text(VPushConfig c, Setting<String> s) {
    readable(c, s);
    try {
      return Files.readString(Path.of(c.get(s)), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw bad(c, s, "cannot be read: " + c.get(s) + " (" + e.getMessage() + ")");
    }
  }

  private static void readable(VPushConfig c, Setting<String> s) {
    Path p = Path.of(c.get(s));
    if (!Files.isRegularFile(p)) throw bad(c, s, "no such file: " + p);
    if (!Files.isReadable(p)) throw bad(c, s, "file not readable by this process: " + p);
  }

  private static ConfigException bad(VPushConfig c, Setting<?> s, String problem) {
    return ConfigException.badValue(s.key(), c.source(s), problem);
  }
}
