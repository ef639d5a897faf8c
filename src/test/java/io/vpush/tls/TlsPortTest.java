package io.vpush.tls;

import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.TestCertificates;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP port and the TCP bridge over TLS, with certificates made by openssl in the test: a client over wss://
 * receives what is published over https://, /api/v1/connect hands out wss:// URLs, plain HTTP is not served, PKCS#12
 * works, a client CA makes client certificates required, and a bridge caller publishes over TLS.
 */
class TlsPortTest {

  private static TestCertificates certs;
  /** Another authority: the node must not trust its client certificates. */
  private static TestCertificates stranger;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.create();
    stranger = TestCertificates.create("vpush-tls-stranger-");
  }

  @AfterAll
  static void cleanup() {
    if (certs != null) certs.close();
    if (stranger != null) stranger.close();
  }

  private static Map<Setting<?>, Object> pem() {
    Map<Setting<?>, Object> m = new HashMap<>();
    m.put(Settings.TLS_CERT_PATH, certs.serverCert().toString());
    m.put(Settings.TLS_KEY_PATH, certs.serverKey().toString());
    return m;
  }

  @Test
  void aClientOverWssReceivesWhatIsPublishedOverHttpsAndConnectHandsOutWss() throws Exception {
    try (TestNode node = TestNode.start(pem())) {
      String user = TestNode.freshUser("tls");
      String token = node.token(user);
      WebSocketClientOptions wss = new WebSocketClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(certs.caCert().toString()));
      try (WsTestClient ws = WsTestClient.connect(node.vertx(), node.port(), null, wss)) {
        ws.registered(user, token, Map.of());
        HttpClient https = https(certs.clientContext(false));
        HttpResponse<String> published = https.send(HttpRequest.newBuilder(uri(node, "/api/v1/messages"))
            .header("Authorization", "Bearer " + TestNode.API_KEY)
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("payload", "over tls").encode())).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
        assertThat(ws.awaitMessage(WAIT).getString("body")).isEqualTo("over tls");

        JsonObject connect = new JsonObject(https.send(HttpRequest.newBuilder(uri(node, "/api/v1/connect")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        JsonObject first = connect.getJsonArray("nodes").getJsonObject(0);
        assertThat(first.getString("websocket")).isEqualTo("wss://127.0.0.1:" + node.port() + "/eventbus/websocket");
        assertThat(first.getString("sockjs")).isEqualTo("https://127.0.0.1:" + node.port() + "/eventbus");
      }
      // The port speaks TLS only: a plain HTTP request gets no HTTP answer.
      HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health/live"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aPkcs12KeystoreWithItsPasswordServesTheSameCertificate() throws Exception {
    Map<Setting<?>, Object> m = new HashMap<>();
    m.put(Settings.TLS_PKCS12_PATH, certs.serverPkcs12().toString());
    m.put(Settings.TLS_PKCS12_PASSWORD, TestCertificates.PASSWORD);
    try (TestNode node = TestNode.start(m)) {
      HttpResponse<String> live = https(certs.clientContext(false)).send(HttpRequest.newBuilder(uri(node, "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withAClientCaOnlyClientsWithACertificateItSignedAreServed() throws Exception {
    Map<Setting<?>, Object> m = pem();
    m.put(Settings.TLS_CLIENT_CA_PATH, certs.caCert().toString());
    try (TestNode node = TestNode.start(m)) {
      HttpResponse<String> live = https(certs.clientContext(true)).send(HttpRequest.newBuilder(uri(node, "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);

      // No certificate: the handshake is refused, nothing is served.
      assertThatThrownBy(() -> https(certs.clientContext(false)).send(HttpRequest.newBuilder(uri(node, "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
      // A certificate from another authority (that trusts the node's CA): refused too.
      SSLContext foreign = foreignClient();
      assertThatThrownBy(() -> https(foreign).send(HttpRequest.newBuilder(uri(node, "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

      // A WebSocket client without a certificate cannot open a connection either.
      WebSocketClientOptions wss = new WebSocketClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(certs.caCert().toString()));
      assertThatThrownBy(() -> WsTestClient.connect(node.vertx(), node.port(), null, wss)).isInstanceOf(AssertionError.class);
      // Each refusal is counted (the HTTP client may retry a handshake once: at least the three clients).
      awaitFailures(node, "http", 3);
    }
  }

  @Test
  void aBridgeCallerPublishesOverTlsAndOneWithoutTheClientCertificateIsRefused() throws Exception {
    Map<Setting<?>, Object> m = pem();
    m.put(Settings.TCP_BRIDGE_ENABLED, true);
    m.put(Settings.TCP_BRIDGE_PORT, 0);
    m.put(Settings.TCP_BRIDGE_TLS, true);
    m.put(Settings.TCP_BRIDGE_CLIENT_CA_PATH, certs.caCert().toString());
    try (TestNode node = TestNode.start(m)) {
      int port = node.node().tcpBridgePort();
      String user = TestNode.freshUser("tls-bridge");
      try (Socket s = certs.clientContext(true).getSocketFactory().createSocket("127.0.0.1", port)) {
        JsonObject reply = publishOver(s, user);
        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("message");
        assertThat(reply.getJsonObject("body").getLong("seq")).isEqualTo(1L);
      }
      // No client certificate: the handshake fails, nothing is published.
      try (SSLSocket s = (SSLSocket) certs.clientContext(false).getSocketFactory().createSocket("127.0.0.1", port)) {
        assertThatThrownBy(() -> publishOver(s, user)).isInstanceOf(IOException.class);
      }
      // Plain TCP: the bytes are not a TLS handshake; the node closes without an answer.
      try (Socket s = new Socket("127.0.0.1", port)) {
        assertThatThrownBy(() -> publishOver(s, user)).isInstanceOf(IOException.class);
      }
      assertThat(node.node().store().lastSeq(user).await(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1L);
      // Both refusals (no certificate; not TLS at all) are counted.
      awaitFailures(node, "tcp_bridge", 2);
    }
  }

  /** Polls the node's own scrape (its /metrics is behind TLS) until vpush_tls_handshake_failures_total{port} reaches {@code min}. */
  private static void awaitFailures(TestNode node, String port, double min) throws InterruptedException {
    String prefix = "vpush_tls_handshake_failures_total{port=\"" + port + "\"} ";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    double v = 0;
    while (System.nanoTime() < deadline) {
      v = node.node().metrics().scrape().lines().filter(l -> l.startsWith(prefix))
          .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
      if (v >= min) return;
      Thread.sleep(10); // a counter has no event to wait for: poll it with a deadline
    }
    throw new AssertionError(prefix + v + ", expected at least " + min);
  }

  /** One publish frame (4-byte length + JSON) with the API key; returns the reply frame. */
  private static JsonObject publishOver(Socket s, String user) throws IOException {
    s.setSoTimeout(10_000);
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    byte[] frame = new JsonObject().put("type", "send").put("address", "vpush.publish").put("replyAddress", "r")
        .put("headers", new JsonObject().put("apiKey", TestNode.API_KEY))
        .put("body", new JsonObject().put("user", user).put("payload", "bridge")).encode().getBytes(StandardCharsets.UTF_8);
    out.writeInt(frame.length);
    out.write(frame);
    out.flush();
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] reply = new byte[in.readInt()];
    in.readFully(reply);
    return new JsonObject(new String(reply, StandardCharsets.UTF_8));
  }

  /** A client that trusts the node's CA but presents a certificate of another authority. */
  private static SSLContext foreignClient() throws Exception {
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(stranger.clientPkcs12())) {
      ks.load(in, TestCertificates.PASSWORD.toCharArray());
    }
    kmf.init(ks, TestCertificates.PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {certs.trustManager()}, null);
    return ctx;
  }

  private static HttpClient https(SSLContext ctx) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static URI uri(TestNode node, String path) {
    return URI.create("https://127.0.0.1:" + node.port() + path);
  }
}
