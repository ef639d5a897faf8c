package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpush.testing.VPushProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's publishers with named, scoped API keys (api.keysFile): a publish key publishes over HTTP and the TCP
 * bridge; a key without the publish scope is refused at once (403 forbidden / access_denied), not retried.
 */
class NamedApiKeysIT {

  private static final String PUBLISH = "sdk-publish-key-0123456789abcdef";
  private static final String STATS = "sdk-stats-key-0123456789abcdef-s";

  @TempDir
  Path dir;

  private static String entry(String name, String scope, String key) throws Exception {
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    return "{\"name\":\"" + name + "\",\"scopes\":[\"" + scope + "\"],\"sha256\":\"" + digest + "\"}";
  }

  @Test
  void aPublishKeyPublishesOnBothDoorsAndAStatsKeyIsRefusedWithoutRetries() throws Exception {
    Path keys = dir.resolve("keys.json");
    Files.writeString(keys, "{\"keys\":[" + entry("billing", "publish", PUBLISH) + "," + entry("dashboard", "stats", STATS) + "]}");
    try (VPushProcess node = TestNodes.start("named-keys", Map.of("VPUSH_API_KEYS_FILE", keys.toString()))) {
      VPushPublisher http = VPushPublisher.builder().url(node.url()).apiKey(PUBLISH).build();
      assertThat(http.publish("named", "n-1", Map.of("via", "http")).seq()).isEqualTo(1);

      VPushPublisher wrong = VPushPublisher.builder().url(node.url()).apiKey(STATS).build();
      assertThatThrownBy(() -> wrong.publish("named", "n-2", Map.of("via", "http")))
          .isInstanceOfSatisfying(VPushException.class, e -> {
            assertThat(e.type()).isEqualTo("forbidden");
            assertThat(e.getMessage()).contains("'publish'");
          });

      try (VPushBridgePublisher bridge = new VPushBridgePublisher("127.0.0.1", node.bridgePort(), PUBLISH, 3, Duration.ofSeconds(5))) {
        VPushPublisher.Result r = bridge.publish("named", "n-3", Map.of("via", "tcp"));
        assertThat(r.seq()).isEqualTo(2);
        assertThat(r.attempts()).isEqualTo(1);
      }
      try (VPushBridgePublisher bridge = new VPushBridgePublisher("127.0.0.1", node.bridgePort(), STATS, 3, Duration.ofSeconds(5))) {
        assertThatThrownBy(() -> bridge.publish("named", "n-4", Map.of("via", "tcp")))
            .isInstanceOfSatisfying(VPushException.class, e -> {
              assertThat(e.type()).isEqualTo("access_denied");
              assertThat(e.getMessage()).contains("lacks the scope 'publish'");
            });
      }
    }
  }
}
