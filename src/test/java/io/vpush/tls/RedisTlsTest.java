package io.vpush.tls;

import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.testing.TestCertificates;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * rediss:// against a real redis-server that speaks TLS only and requires client certificates (its default): a node
 * with the CA and a client certificate stores and delivers; one that does not trust the server's CA, or has no client
 * certificate, does not start.
 */
@NeedsRedis
class RedisTlsTest {

  private static TestCertificates certs;
  private static RedisServer redis;

  @BeforeAll
  static void start() {
    certs = TestCertificates.create();
    redis = RedisServer.startTls(certs, true);
  }

  @AfterAll
  static void stop() {
    if (redis != null) redis.close();
    if (certs != null) certs.close();
  }

  private static Map<Setting<?>, Object> rediss() {
    Map<Setting<?>, Object> m = new HashMap<>();
    m.put(Settings.STORE, "redis");
    m.put(Settings.REDIS_URL, List.of(redis.url()));
    m.put(Settings.REDIS_TLS_CA_PATH, certs.caCert().toString());
    m.put(Settings.REDIS_TLS_CERT_PATH, certs.clientCert().toString());
    m.put(Settings.REDIS_TLS_KEY_PATH, certs.clientKey().toString());
    return m;
  }

  @Test
  void aNodeOnRedissStoresAndDelivers() throws Exception {
    assertThat(redis.url()).startsWith("rediss://");
    try (TestNode node = TestNode.start(rediss())) {
      String user = TestNode.freshUser("rediss");
      try (WsTestClient ws = node.connectAs(user, Map.of())) {
        assertThat(node.publishTo(user, "stored over tls")).isEqualTo(1L);
        assertThat(ws.awaitMessage(WAIT).getString("body")).isEqualTo("stored over tls");
      }
      assertThat(node.node().store().lastSeq(user).await(5, TimeUnit.SECONDS)).isEqualTo(1L);
      // The key is in the TLS-only server (read back over TLS by the test kit).
      assertThat(redis.call("KEYS", "*" + user + "*")).contains(user);
    }
  }

  @Test
  void withoutTrustInTheServersCaOrWithoutAClientCertificateTheNodeDoesNotStart() {
    Map<Setting<?>, Object> untrusted = rediss();
    untrusted.remove(Settings.REDIS_TLS_CA_PATH); // the JVM's CAs do not know the test CA
    assertThatThrownBy(() -> TestNode.start(untrusted)).hasMessageContaining("store=redis");
    Map<Setting<?>, Object> noCert = rediss();
    noCert.remove(Settings.REDIS_TLS_CERT_PATH);
    noCert.remove(Settings.REDIS_TLS_KEY_PATH);
    assertThatThrownBy(() -> TestNode.start(noCert)).hasMessageContaining("store=redis");
  }
}
