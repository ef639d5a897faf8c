package io.vpush.config;

import io.vpush.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS settings are checked at start: each bad combination or file stops the node naming the key and its source, never a password. */
class TlsChecksTest {

  private static TestCertificates certs;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.create();
  }

  @AfterAll
  static void cleanup() {
    if (certs != null) certs.close();
  }

  private static VPushConfig load(Map<String, String> flags) {
    return new ConfigLoader().flags(flags).load();
  }

  private static Map<String, String> pem() {
    Map<String, String> m = new HashMap<>();
    m.put("tls.certPath", certs.serverCert().toString());
    m.put("tls.keyPath", certs.serverKey().toString());
    return m;
  }

  @Test
  void validPemAndPkcs12SettingsLoad() {
    assertThat(TlsChecks.httpTls(load(pem()))).isTrue();
    assertThat(TlsChecks.httpTls(load(Map.of("tls.pkcs12Path", certs.serverPkcs12().toString(),
        "tls.pkcs12Password", TestCertificates.PASSWORD)))).isTrue();
    Map<String, String> all = pem();
    all.put("tls.clientCaPath", certs.caCert().toString());
    all.put("tcpBridge.tls", "true");
    all.put("tcpBridge.clientCaPath", certs.caCert().toString());
    assertThat(load(all).get(Settings.TCP_BRIDGE_TLS)).isTrue();
    assertThat(TlsChecks.httpTls(new ConfigLoader().load())).isFalse();
  }

  @Test
  void aCertificateWithoutItsKeyIsRefusedNamingTheKeyAndSource() {
    assertThatThrownBy(() -> load(Map.of("tls.certPath", certs.serverCert().toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'tls.certPath' from flag --tls.certPath").hasMessageContaining("without tls.keyPath");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_TLS_KEY_PATH", certs.serverKey().toString())).load())
        .hasMessageContaining("'tls.keyPath' from environment variable VPUSH_TLS_KEY_PATH");
  }

  @Test
  void pemAndPkcs12TogetherAreRefused() {
    Map<String, String> m = pem();
    m.put("tls.pkcs12Path", certs.serverPkcs12().toString());
    assertThatThrownBy(() -> load(m)).hasMessageContaining("'tls.pkcs12Path'").hasMessageContaining("not both");
  }

  @Test
  void missingOrWrongKindsOfFilesAreRefused() throws Exception {
    Map<String, String> missing = pem();
    missing.put("tls.certPath", "/nonexistent/server.pem");
    assertThatThrownBy(() -> load(missing)).hasMessageContaining("'tls.certPath'").hasMessageContaining("no such file: /nonexistent/server.pem");

    Map<String, String> swapped = pem();
    swapped.put("tls.keyPath", certs.serverCert().toString());
    assertThatThrownBy(() -> load(swapped)).hasMessageContaining("'tls.keyPath'").hasMessageContaining("not a PEM private key");

    Map<String, String> keyAsCert = pem();
    keyAsCert.put("tls.certPath", certs.serverKey().toString());
    assertThatThrownBy(() -> load(keyAsCert)).hasMessageContaining("'tls.certPath'");

    Path unreadable = certs.dir().resolve("unreadable.pem");
    Files.copy(certs.serverCert(), unreadable);
    assertThat(unreadable.toFile().setReadable(false, false)).isTrue();
    if (!Files.isReadable(unreadable)) { // root reads anything
      Map<String, String> m = pem();
      m.put("tls.certPath", unreadable.toString());
      assertThatThrownBy(() -> load(m)).hasMessageContaining("not readable");
    }
  }

  @Test
  void aWrongPkcs12PasswordIsRefusedWithoutQuotingIt() {
    String wrong = "wrong-secret-password-42";
    assertThatThrownBy(() -> load(Map.of("tls.pkcs12Path", certs.serverPkcs12().toString(), "tls.pkcs12Password", wrong)))
        .hasMessageContaining("'tls.pkcs12Path'").hasMessageContaining("cannot be opened as PKCS12")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
    assertThatThrownBy(() -> load(Map.of("tls.pkcs12Password", wrong)))
        .hasMessageContaining("'tls.pkcs12Password'").hasMessageContaining("without tls.pkcs12Path")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
  }

  @Test
  void aClientCaOrBridgeTlsNeedsTheNodesOwnCertificate() {
    assertThatThrownBy(() -> load(Map.of("tls.clientCaPath", certs.caCert().toString())))
        .hasMessageContaining("'tls.clientCaPath'").hasMessageContaining("needs the port's own certificate");
    assertThatThrownBy(() -> load(Map.of("tcpBridge.tls", "true"))).hasMessageContaining("'tcpBridge.tls'");
    Map<String, String> m = pem();
    m.put("tcpBridge.clientCaPath", certs.caCert().toString());
    assertThatThrownBy(() -> load(m)).hasMessageContaining("'tcpBridge.clientCaPath'").hasMessageContaining("needs tcpBridge.tls=true");
  }

  @Test
  void redisTlsSettingsNeedRedissUrlsAndOneSchemeForAll() {
    assertThatThrownBy(() -> load(Map.of("store", "redis", "redis.mode", "cluster", "redis.url", "rediss://a:1,redis://b:2")))
        .hasMessageContaining("'redis.url'").hasMessageContaining("mixes rediss:// and redis://");
    assertThatThrownBy(() -> load(Map.of("store", "redis", "redis.tls.caPath", certs.caCert().toString())))
        .hasMessageContaining("'redis.tls.caPath'").hasMessageContaining("rediss://");
    assertThatThrownBy(() -> load(Map.of("store", "redis", "redis.url", "rediss://127.0.0.1:1",
        "redis.tls.certPath", certs.clientCert().toString())))
        .hasMessageContaining("'redis.tls.certPath'").hasMessageContaining("without redis.tls.keyPath");
    assertThat(load(Map.of("store", "redis", "redis.url", "rediss://127.0.0.1:1", "redis.tls.caPath", certs.caCert().toString(),
        "redis.tls.certPath", certs.clientCert().toString(), "redis.tls.keyPath", certs.clientKey().toString()))
        .get(Settings.REDIS_TLS_CA_PATH)).isEqualTo(certs.caCert().toString());
  }

  @Test
  void kafkaSecuritySettingsAreCheckedTogetherAndNeverQuoteThePassword() {
    String secret = "kafka-sasl-secret-99";
    assertThatThrownBy(() -> load(Map.of("kafka.securityProtocol", "sasl_ssl", "kafka.sasl.password", secret)))
        .hasMessageContaining("'kafka.sasl.username'").satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    assertThatThrownBy(() -> load(Map.of("kafka.sasl.username", "u", "kafka.sasl.password", secret)))
        .hasMessageContaining("needs kafka.securityProtocol sasl_plaintext or sasl_ssl")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    assertThatThrownBy(() -> load(Map.of("kafka.sasl.mechanism", "scram-sha-512"))).hasMessageContaining("'kafka.sasl.mechanism'");
    assertThatThrownBy(() -> load(Map.of("kafka.securityProtocol", "tls"))).hasMessageContaining("'kafka.securityProtocol'");
    assertThatThrownBy(() -> load(Map.of("kafka.ssl.truststorePath", certs.caCert().toString())))
        .hasMessageContaining("'kafka.ssl.truststorePath'").hasMessageContaining("needs kafka.securityProtocol ssl or sasl_ssl");
    assertThatThrownBy(() -> load(Map.of("kafka.securityProtocol", "ssl", "kafka.ssl.truststorePath", certs.serverKey().toString())))
        .hasMessageContaining("not a PEM file with a certificate");
    assertThatThrownBy(() -> load(Map.of("kafka.securityProtocol", "ssl", "kafka.ssl.keystorePath", certs.clientPkcs12().toString(),
        "kafka.ssl.keystoreType", "pkcs12", "kafka.ssl.keystorePassword", secret)))
        .hasMessageContaining("'kafka.ssl.keystorePath'").satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    VPushConfig ok = load(Map.of("kafka.securityProtocol", "sasl_ssl", "kafka.sasl.mechanism", "scram-sha-256",
        "kafka.sasl.username", "vpush", "kafka.sasl.password", secret, "kafka.ssl.truststorePath", certs.caCert().toString(),
        "kafka.ssl.keystorePath", certs.clientPkcs12().toString(), "kafka.ssl.keystoreType", "pkcs12",
        "kafka.ssl.keystorePassword", TestCertificates.PASSWORD));
    assertThat(ok.get(Settings.KAFKA_SASL_MECHANISM)).isEqualTo("scram-sha-256");
  }
}
