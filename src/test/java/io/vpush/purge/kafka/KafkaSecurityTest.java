package io.vpush.purge.kafka;

import io.vpush.config.ConfigLoader;
import io.vpush.config.VPushConfig;
import io.vpush.testing.TestCertificates;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kafka.securityProtocol, kafka.ssl.* and kafka.sasl.* settings reach the consumer's, the producers' and the admin
 * client's configs, as Kafka's own config classes parse them (typed, the secrets as Kafka's Password, which it logs as
 * [hidden]).
 */
class KafkaSecurityTest {

  private static TestCertificates certs;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.create();
  }

  @AfterAll
  static void cleanup() {
    if (certs != null) certs.close();
  }

  private static VPushConfig saslSsl(String password) {
    Map<String, String> flags = new HashMap<>();
    flags.put("kafka.bootstrap", "127.0.0.1:9093");
    flags.put("kafka.securityProtocol", "sasl_ssl");
    flags.put("kafka.sasl.mechanism", "scram-sha-512");
    flags.put("kafka.sasl.username", "vpush");
    flags.put("kafka.sasl.password", password);
    flags.put("kafka.ssl.truststorePath", certs.caCert().toString());
    flags.put("kafka.ssl.keystorePath", certs.clientPkcs12().toString());
    flags.put("kafka.ssl.keystoreType", "pkcs12");
    flags.put("kafka.ssl.keystorePassword", TestCertificates.PASSWORD);
    return new ConfigLoader().flags(flags).load();
  }

  @Test
  void saslSslSettingsReachTheConsumerTheProducerAndTheAdminClient() {
    String password = "p\"ss\\word; other=1";
    VPushConfig config = saslSsl(password);
    Map<String, Object> consumer = new HashMap<>(KafkaConfigs.consumer(config, "c"));
    consumer.put("key.deserializer", StringDeserializer.class.getName());
    consumer.put("value.deserializer", StringDeserializer.class.getName());
    Map<String, Object> producer = new HashMap<>(KafkaConfigs.producer(config, "p", StringSerializer.class.getName(),
        StringSerializer.class.getName()));
    Map<String, Object> admin = KafkaConfigs.admin(config, "a");

    for (org.apache.kafka.common.config.AbstractConfig parsed : java.util.List.of(new ConsumerConfig(consumer),
        new ProducerConfig(producer), new AdminClientConfig(admin))) {
      assertThat(parsed.getString("security.protocol")).isEqualTo("SASL_SSL");
      assertThat(parsed.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
      Password jaas = parsed.getPassword("sasl.jaas.config");
      assertThat(jaas.toString()).isEqualTo("[hidden]");
      assertThat(jaas.value()).startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"vpush\"");
      assertThat(parsed.getString("ssl.truststore.location")).isEqualTo(certs.caCert().toString());
      assertThat(parsed.getString("ssl.truststore.type")).isEqualTo("PEM");
      assertThat(parsed.getString("ssl.keystore.location")).isEqualTo(certs.clientPkcs12().toString());
      assertThat(parsed.getString("ssl.keystore.type")).isEqualTo("PKCS12");
      assertThat(parsed.getPassword("ssl.keystore.password").value()).isEqualTo(TestCertificates.PASSWORD);
      assertThat(parsed.getPassword("ssl.key.password").value()).isEqualTo(TestCertificates.PASSWORD);
      assertThat(parsed.getString("ssl.endpoint.identification.algorithm")).isEqualTo("https");
    }
  }

  @Test
  void theJaasPasswordIsQuotedSoItCannotEndTheOptionAndKafkaReadsItBack() throws Exception {
    String password = "p\"ss\\word; other=1";
    String jaas = KafkaSecurity.properties(saslSsl(password)).get("sasl.jaas.config");
    var entries = org.apache.kafka.common.security.JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)))
        .configurationEntries();
    assertThat(entries).hasSize(1);
    Map<String, ?> options = entries.get(0).getOptions();
    assertThat(options.get("username")).isEqualTo("vpush");
    assertThat(options.get("password")).isEqualTo(password);
    assertThat(options).hasSize(2);
  }

  @Test
  void plaintextByDefaultWithNoSslOrSaslProperty() {
    Map<String, String> p = KafkaSecurity.properties(new ConfigLoader().flags(Map.of("kafka.bootstrap", "127.0.0.1:9092")).load());
    assertThat(p).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
  }
}
