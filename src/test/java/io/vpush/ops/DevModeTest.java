package io.vpush.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dev mode cannot leak: unless {@code http.host} is set it binds loopback only, and {@code /dev/token} answers only
 * requests from this machine, also when the node was opened to other interfaces or sits behind a local proxy.
 */
class DevModeTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    MetricsTest.await(vertx.close());
  }

  @Test
  void theHostDependsOnTheModeUnlessSet() {
    assertThat(VPushConfig.defaults().httpHost()).isEqualTo("127.0.0.1");
    assertThat(VPushConfig.defaults().with(Settings.MODE, "production").httpHost()).isEqualTo("0.0.0.0");
    assertThat(VPushConfig.defaults().with(Settings.HTTP_HOST, "0.0.0.0").httpHost()).isEqualTo("0.0.0.0");
  }

  @Test
  void aDevNodeIsReachableFromThisMachineOnly() throws Exception {
    Optional<InetAddress> outside = nonLoopbackAddress();
    VPushNode node = MetricsTest.await(VPushNode.start(vertx, dev(Map.of())));
    try {
      assertThat(get("127.0.0.1", node, "/dev/token?user=alice", Map.of()).statusCode()).isEqualTo(200);
      assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address to try from");
      assertThatThrownBy(() -> get(outside.get().getHostAddress(), node, "/health/live", Map.of()))
          .as("bound to loopback: another interface refuses the connection").isInstanceOf(IOException.class);
    } finally {
      MetricsTest.await(node.close());
    }
  }

  @Test
  void devTokenRefusesOtherMachinesAndProxiedRequests() throws Exception {
    VPushNode node = MetricsTest.await(VPushNode.start(vertx, dev(Map.of(Settings.HTTP_HOST, "0.0.0.0"))));
    try {
      HttpResponse<String> proxied = get("127.0.0.1", node, "/dev/token?user=alice", Map.of("X-Forwarded-For", "203.0.113.9"));
      assertThat(proxied.statusCode()).as(proxied.body()).isEqualTo(403);
      assertThat(new JsonObject(proxied.body()).getString("error")).isEqualTo("forbidden");
      assertThat(get("127.0.0.1", node, "/dev/token?user=alice", Map.of("Forwarded", "for=203.0.113.9")).statusCode()).isEqualTo(403);
      assertThat(get("127.0.0.1", node, "/dev/token?user=alice", Map.of()).statusCode()).isEqualTo(200);
      Optional<InetAddress> outside = nonLoopbackAddress();
      assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address to try from");
      HttpResponse<String> remote = get(outside.get().getHostAddress(), node, "/dev/token?user=alice", Map.of());
      assertThat(remote.statusCode()).as(remote.body()).isEqualTo(403);
      assertThat(remote.body()).doesNotContain("token\":\"");
      assertThat(get(outside.get().getHostAddress(), node, "/health/live", Map.of()).statusCode())
          .as("the node itself is open on every interface, as configured").isEqualTo(200);
    } finally {
      MetricsTest.await(node.close());
    }
  }

  private static VPushConfig dev(Map<Setting<?>, Object> extra) {
    Map<Setting<?>, Object> s = new HashMap<>(Map.of(Settings.HTTP_PORT, 0, Settings.JWT_SECRET, "dev-mode-test-secret",
        Settings.API_KEY, "dev-mode-test-key", Settings.TCP_BRIDGE_ENABLED, false));
    s.putAll(extra);
    return VPushConfig.defaults().with(s, "test");
  }

  private static HttpResponse<String> get(String host, VPushNode node, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + node.httpPort() + path)).timeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  // An address of this machine that is not loopback: a request to it does not come from 127.0.0.1.
  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) continue;
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
