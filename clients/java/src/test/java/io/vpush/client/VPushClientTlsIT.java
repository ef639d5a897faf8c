package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpush.testing.FreePorts;
import io.vpush.testing.TestCertificates;
import io.vpush.testing.VPushProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK against a node that serves TLS (certificates made by openssl in the test) and requires client certificates
 * on its port and on its TCP bridge: the client connects over wss:// (the https:// base URL and discovery hand it a
 * wss:// URL), the HTTP publisher publishes over https://, the bridge publisher over TLS; without the client
 * certificate nothing gets through.
 */
class VPushClientTlsIT {
  private static TestCertificates certs;
  private static VPushProcess server;
  private static int bridgePort;

  @BeforeAll
  static void start() {
    certs = TestCertificates.create();
    bridgePort = FreePorts.free();
    server = VPushProcess.builder().name("sdk-java-tls").tls(certs)
        .env("VPUSH_MODE", "production").env("VPUSH_STORE", "memory").env("VPUSH_JWT_SECRET", TestNodes.SECRET)
        .env("VPUSH_API_KEY", TestNodes.API_KEY)
        .env(Map.of("VPUSH_TLS_CLIENT_CA_PATH", certs.caCert().toString(), "VPUSH_TCP_BRIDGE_PORT", Integer.toString(bridgePort),
            "VPUSH_TCP_BRIDGE_TLS", "true", "VPUSH_TCP_BRIDGE_CLIENT_CA_PATH", certs.caCert().toString()))
        .start();
    server.awaitReady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
    if (certs != null) certs.close();
  }

  private static OkHttpClient okHttp(boolean withClientCert) {
    SSLContext ctx = certs.clientContext(withClientCert);
    return new OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory(), certs.trustManager()).build();
  }

  @Test
  void theClientOverWssReceivesWhatIsPublishedOverHttpsAndOverTheTlsBridge() throws Exception {
    assertThat(server.url()).startsWith("https://");
    List<Long> seqs = new CopyOnWriteArrayList<>();
    List<String> ids = new CopyOnWriteArrayList<>();
    VPushClient client = VPushClient.builder().url(server.url()).okHttpClient(okHttp(true))
        .token(() -> TestNodes.token("tls-user", 3600)).clientId("phone").lastSeqStore(LastSeqStore.inMemory()).build();
    try {
      client.onMessage(m -> {
        seqs.add(m.seq());
        ids.add(m.id());
      });
      client.connect().get(20, TimeUnit.SECONDS);

      VPushPublisher https = VPushPublisher.builder().url(server.url()).apiKey(TestNodes.API_KEY).okHttpClient(okHttp(true)).build();
      assertThat(https.publish("tls-user", "over-https", Map.of("n", 1)).seq()).isEqualTo(1L);
      try (VPushBridgePublisher bridge = new VPushBridgePublisher("127.0.0.1", bridgePort, TestNodes.API_KEY, 1,
          Duration.ofSeconds(10), certs.clientContext(true).getSocketFactory())) {
        assertThat(bridge.publish("tls-user", "over-bridge", Map.of("n", 2)).seq()).isEqualTo(2L);
      }
      VPushClientIT.await("both messages", () -> seqs.size() >= 2);
      assertThat(seqs).containsExactly(1L, 2L);
      assertThat(ids).containsExactly("over-https", "over-bridge");
    } finally {
      client.close();
    }
  }

  @Test
  void withoutAClientCertificateNeitherPublisherGetsThrough() {
    VPushPublisher https = VPushPublisher.builder().url(server.url()).apiKey(TestNodes.API_KEY).okHttpClient(okHttp(false))
        .maxAttempts(1).build();
    assertThatThrownBy(() -> https.publish("tls-user", "refused", Map.of())).isInstanceOf(IOException.class);
    VPushBridgePublisher bridge = new VPushBridgePublisher("127.0.0.1", bridgePort, TestNodes.API_KEY, 1,
        Duration.ofSeconds(10), certs.clientContext(false).getSocketFactory());
    assertThatThrownBy(() -> bridge.publish("tls-user", "refused", Map.of())).isInstanceOf(IOException.class);
    bridge.close();
  }
}
