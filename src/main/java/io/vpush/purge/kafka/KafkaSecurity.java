package io.vpush.purge.kafka;

import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka clients' security properties ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}) from the
 * {@code kafka.securityProtocol}, {@code kafka.ssl.*} and {@code kafka.sasl.*} settings, checked at start
 * ({@code config.TlsChecks}). The same for the consumer, the producers and the admin client. Kafka logs the passwords
 * and {@code sasl.jaas.config} as {@code [hidden]} (they are of its Password type); vpush never logs this map.
 */
final class KafkaSecurity {

  private KafkaSecurity() {}

  static Map<String, String> properties(VPushConfig config) {
    Map<String, String> p = new LinkedHashMap<>();
    String protocol = config.get(Settings.KAFKA_SECURITY_PROTOCOL);
    p.put("security.protocol", protocol.toUpperCase(Locale.ROOT));
    if (protocol.endsWith("ssl")) {
      // Kafka's default already verifies host names; said explicitly so that turning it off is a visible setting.
      p.put("ssl.endpoint.identification.algorithm", config.get(Settings.KAFKA_SSL_VERIFY_HOSTNAME) ? "https" : "");
      store(p, "truststore", config.get(Settings.KAFKA_SSL_TRUSTSTORE_PATH), config.get(Settings.KAFKA_SSL_TRUSTSTORE_TYPE),
          config.get(Settings.KAFKA_SSL_TRUSTSTORE_PASSWORD));
      String keystore = config.get(Settings.KAFKA_SSL_KEYSTORE_PATH);
      String type = config.get(Settings.KAFKA_SSL_KEYSTORE_TYPE);
      String password = config.get(Settings.KAFKA_SSL_KEYSTORE_PASSWORD);
      // Kafka refuses a store password on a PEM keystore: there the password (if any) is the key's only.
      store(p, "keystore", keystore, type, "pem".equals(type) ? null : password);
      if (keystore != null && password != null) p.put("ssl.key.password", password);
    }
    if (protocol.startsWith("sasl")) {
      String mechanism = config.get(Settings.KAFKA_SASL_MECHANISM).toUpperCase(Locale.ROOT);
      p.put("sasl.mechanism", mechanism);
      String module = "PLAIN".equals(mechanism) ? "org.apache.kafka.common.security.plain.PlainLoginModule"
          : "org.apache.kafka.common.security.scram.ScramLoginModule";
      p.put("sasl.jaas.config", module + " required username=" + quoted(config.get(Settings.KAFKA_SASL_USERNAME))
          + " password=" + quoted(config.get(Settings.KAFKA_SASL_PASSWORD)) + ";");
    }
    return p;
  }

  private static void store(Map<String, String> p, String which, String path, String type, String password) {
    if (path == null) return;
    p.put("ssl." + which + ".location", path);
    p.put("ssl." + which + ".type", type.toUpperCase(Locale.ROOT));
    if (password != null) p.put("ssl." + which + ".password", password);
  }

  // A JAAS string value: quoted, with the backslash and the quote escaped, so a password cannot end the option.
  static String quoted(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
