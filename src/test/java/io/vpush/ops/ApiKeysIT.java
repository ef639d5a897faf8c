package io.vpush.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.config.ApiKeys;
import io.vpush.testing.VPushProcess;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named API keys on a real production node with a keys file and no {@code api.key}: a publish key publishes over HTTP
 * and the TCP bridge and is refused admin calls (403); removing it from the file and calling the reload revokes it at
 * once on both doors (401, {@code access_denied} on the bridge connection that was using it) without a restart; a bad
 * file on reload keeps the keys in use; the node's log holds no key.
 */
class ApiKeysIT {

  private static final String PUBLISH = "it-publish-key-0123456789abcdef";
  private static final String ADMIN = "it-admin-key-0123456789abcdef-a";
  private static final String STATS = "it-stats-key-0123456789abcdef-s";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path dir;

  private static String entry(String name, String scope, String key) {
    return "{\"name\":\"" + name + "\",\"scopes\":[\"" + scope + "\"],\"sha256\":\"" + HexFormat.of().formatHex(ApiKeys.sha256(key)) + "\"}";
  }

  private static void write(Path file, String text) throws IOException {
    long before = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : 0;
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(Math.max(System.currentTimeMillis(), before + 2_000)));
  }

  private static HttpResponse<String> call(VPushProcess node, String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(node.uri(path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> publish(VPushProcess node, String key) throws Exception {
    return call(node, "POST", "/api/v1/messages", key, new JsonObject().put("user", "it-keys").put("payload", 1).encode());
  }

  /** A TCP bridge connection: the stock framing (4-byte big-endian length, JSON), one request and its answer at a time. */
  private static final class Bridge implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int next;

    Bridge(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
    }

    JsonObject publish(String key) throws IOException {
      JsonObject frame = new JsonObject().put("type", "send").put("address", "vpush.publish").put("replyAddress", "r-" + next++)
          .put("headers", new JsonObject().put("apiKey", key)).put("body", new JsonObject().put("user", "it-keys").put("payload", 2));
      byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
      byte[] answer = new byte[in.readInt()];
      in.readFully(answer);
      return new JsonObject(new String(answer, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aScopedKeyIsRevokedByEditingTheFileAndReloadingWithoutARestart() throws Exception {
    Path keys = dir.resolve("keys.json");
    write(keys, "{\"keys\":[" + entry("billing", "publish", PUBLISH) + "," + entry("ops", "admin", ADMIN) + ","
        + entry("dashboard", "stats", STATS) + "]}");
    try (VPushProcess node = VPushProcess.builder().name("api-keys").freeBridgePort()
        .env(Map.of("VPUSH_MODE", "production", "VPUSH_STORE", "memory", "VPUSH_JWT_SECRET", ProcessTraffic.SECRET,
            "VPUSH_API_KEYS_FILE", keys.toString(), "VPUSH_API_KEYS_FILE_CHECK_MS", "0"))
        .start().awaitReady(Duration.ofSeconds(60));
         Bridge bridge = new Bridge(node.bridgePort())) {
      long pid = node.pid();

      // The publish key publishes on both doors, and is refused the admin API.
      assertThat(publish(node, PUBLISH).statusCode()).isEqualTo(202);
      JsonObject viaBridge = bridge.publish(PUBLISH);
      assertThat(viaBridge.getString("type")).as(viaBridge.encode()).isEqualTo("message");
      assertThat(viaBridge.getJsonObject("body").getLong("seq")).isEqualTo(2L);
      HttpResponse<String> admin = call(node, "GET", "/api/v1/users/it-keys", PUBLISH, null);
      assertThat(admin.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(admin.body()).getString("message")).contains("'admin'");
      JsonObject statsOnBridge = bridge.publish(STATS);
      assertThat(statsOnBridge.getString("type")).isEqualTo("err");
      assertThat(statsOnBridge.getString("failureType")).isEqualTo("access_denied");
      assertThat(statsOnBridge.getString("message")).contains("lacks the scope 'publish'");
      assertThat(call(node, "GET", "/api/v1/stats", STATS, null).statusCode()).isEqualTo(200);
      assertThat(call(node, "GET", "/api/v1/users/it-keys", ADMIN, null).statusCode()).isEqualTo(200);

      // Revoked: taken out of the file, then the reload; the same process, the same bridge connection.
      write(keys, "{\"keys\":[" + entry("ops", "admin", ADMIN) + "," + entry("dashboard", "stats", STATS) + "]}");
      HttpResponse<String> reload = call(node, "POST", "/api/v1/admin/keys/reload", ADMIN, null);
      assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
      assertThat(new JsonObject(reload.body()).getJsonObject("keys").fieldNames()).containsExactlyInAnyOrder("ops", "dashboard");
      HttpResponse<String> revoked = publish(node, PUBLISH);
      assertThat(revoked.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(revoked.body()).getString("message")).isEqualTo("unknown or revoked API key");
      JsonObject revokedOnBridge = bridge.publish(PUBLISH);
      assertThat(revokedOnBridge.getString("failureType")).as(revokedOnBridge.encode()).isEqualTo("access_denied");
      assertThat(revokedOnBridge.getString("message")).contains("unknown or revoked");

      // A bad file: the reload is refused and the keys in use stay.
      write(keys, "{\"keys\":[" + entry("ops", "admin", ADMIN) + "," + entry("ops", "stats", STATS) + "]}");
      HttpResponse<String> bad = call(node, "POST", "/api/v1/admin/keys/reload", ADMIN, null);
      assertThat(bad.statusCode()).isEqualTo(422);
      assertThat(new JsonObject(bad.body()).getString("message")).contains("the name 'ops' is used by two keys");
      assertThat(call(node, "GET", "/api/v1/stats", STATS, null).statusCode()).isEqualTo(200);
      assertThat(publish(node, PUBLISH).statusCode()).isEqualTo(401);

      String metrics = call(node, "GET", "/metrics", null, null).body();
      assertThat(metrics).contains("vpush_api_key_requests_total{door=\"tcp\",key=\"billing\"} 1.0")
          .contains("vpush_api_keys_reloads_total{result=\"failed\"} 1.0")
          .contains("vpush_api_key_refused_total{door=\"tcp\",reason=\"unknown\"} 1.0");

      assertThat(node.pid()).as("no restart").isEqualTo(pid);
      assertThat(node.isAlive()).isTrue();
      for (String key : new String[] {PUBLISH, ADMIN, STATS}) {
        assertThat(node.log()).doesNotContain(key);
        assertThat(metrics).doesNotContain(key);
      }
    }
  }
}
