package io.vpush.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vpush.config.ApiKeys;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named API keys on a node: each route needs its scope (401 without a known key, 403 naming the scope), the keys file
 * is re-read on the admin call and on a change without a restart, a bad file keeps the keys in use, and no answer,
 * metric or log line carries a key.
 */
class ApiKeyScopesTest {

  static final String PUBLISH = "publish-key-0123456789abcdef";
  static final String STATS = "stats-key-0123456789abcdef-s";
  static final String ADMIN = "admin-key-0123456789abcdef-a";

  @TempDir
  Path dir;

  static String sha256(String key) {
    return HexFormat.of().formatHex(ApiKeys.sha256(key));
  }

  static String entry(String name, String scopes, String key) {
    return "{\"name\":\"" + name + "\",\"scopes\":[" + scopes + "],\"sha256\":\"" + sha256(key) + "\"}";
  }

  static String threeKeys() {
    return "{\"keys\":[" + entry("billing", "\"publish\"", PUBLISH) + "," + entry("dashboard", "\"stats\"", STATS) + ","
        + entry("ops", "\"admin\"", ADMIN) + "]}";
  }

  /** Writes the keys file so that its modification time moves forward whatever the file system's resolution. */
  static void write(Path file, String text) throws IOException {
    FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(Math.max(System.currentTimeMillis(), before.toMillis() + 2_000)));
  }

  private TestNode start(Path keys, Map<Setting<?>, Object> more) {
    Map<Setting<?>, Object> s = new HashMap<>(Map.of(Settings.API_KEYS_FILE, keys.toString(), Settings.API_KEYS_FILE_CHECK_MS, 0));
    s.putAll(more);
    return TestNode.start(s);
  }

  private static TestNode.Response call(TestNode node, HttpMethod method, String path, String key) {
    Buffer body = method == HttpMethod.POST && path.equals("/api/v1/messages")
        ? Buffer.buffer(new JsonObject().put("user", "u-keys").put("payload", 1).encode()) : null;
    return WsTestClient.await(node.request(method, path, body, key));
  }

  private static void assertRefused(TestNode.Response r, int status, String error, String messagePart) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().getString("error")).isEqualTo(error);
    assertThat(r.json().getString("message")).contains(messagePart);
  }

  @Test
  void eachRouteNeedsItsScope() throws IOException {
    Path keys = dir.resolve("keys.json");
    write(keys, threeKeys());
    try (TestNode node = start(keys, Map.of())) {
      // publish: the publish door only
      assertThat(call(node, HttpMethod.POST, "/api/v1/messages", PUBLISH).status()).isEqualTo(202);
      assertRefused(call(node, HttpMethod.GET, "/api/v1/users/u-keys", PUBLISH), 403, "forbidden", "the API key 'billing' lacks the scope 'admin'");
      assertRefused(call(node, HttpMethod.DELETE, "/api/v1/users/u-keys/connections", PUBLISH), 403, "forbidden", "'admin'");
      assertRefused(call(node, HttpMethod.POST, "/api/v1/admin/keys/reload", PUBLISH), 403, "forbidden", "'admin'");
      assertRefused(call(node, HttpMethod.GET, "/api/v1/stats", PUBLISH), 403, "forbidden", "'stats'");
      assertRefused(call(node, HttpMethod.GET, "/api/v1/nodes", PUBLISH), 403, "forbidden", "'stats'");
      // a path no guard names needs admin: a route added without a guard is not open to every key
      assertRefused(call(node, HttpMethod.GET, "/api/v1/nothing-here", PUBLISH), 403, "forbidden", "'admin'");
      assertRefused(call(node, HttpMethod.GET, "/api/v1/messages", STATS), 403, "forbidden", "'admin'");

      // stats: the dashboard's numbers and the node list, nothing else
      assertThat(call(node, HttpMethod.GET, "/api/v1/stats", STATS).status()).isEqualTo(200);
      assertThat(call(node, HttpMethod.GET, "/api/v1/nodes", STATS).status()).isEqualTo(200);
      assertRefused(call(node, HttpMethod.POST, "/api/v1/messages", STATS), 403, "forbidden", "the API key 'dashboard' lacks the scope 'publish'");
      assertRefused(call(node, HttpMethod.GET, "/api/v1/users/u-keys", STATS), 403, "forbidden", "'admin'");

      // admin: users, kicks, the reload; unknown paths are then a plain 404
      assertThat(call(node, HttpMethod.GET, "/api/v1/users/u-keys", ADMIN).json().getLong("lastSeq")).isEqualTo(1L);
      assertThat(call(node, HttpMethod.DELETE, "/api/v1/users/u-keys/connections", ADMIN).status()).isEqualTo(200);
      assertThat(call(node, HttpMethod.GET, "/api/v1/nothing-here", ADMIN).status()).isEqualTo(404);
      assertRefused(call(node, HttpMethod.POST, "/api/v1/messages", ADMIN), 403, "forbidden", "'publish'");
      assertRefused(call(node, HttpMethod.GET, "/api/v1/stats", ADMIN), 403, "forbidden", "'stats'");

      // api.key (the test node's) is one key with every scope, beside the file
      assertThat(call(node, HttpMethod.POST, "/api/v1/messages", TestNode.API_KEY).status()).isEqualTo(202);
      assertThat(call(node, HttpMethod.GET, "/api/v1/stats", TestNode.API_KEY).status()).isEqualTo(200);
      assertThat(call(node, HttpMethod.GET, "/api/v1/users/u-keys", TestNode.API_KEY).status()).isEqualTo(200);

      // no key, or a key no one has: 401; clients' own route needs none
      assertRefused(call(node, HttpMethod.POST, "/api/v1/messages", null), 401, "unauthorized", "missing 'Authorization: Bearer");
      String challenge = WsTestClient.await(node.vertx().createHttpClient().request(HttpMethod.GET, node.port(), "127.0.0.1", "/api/v1/stats")
          .compose(req -> req.send()).map(res -> res.getHeader("WWW-Authenticate")));
      assertThat(challenge).isEqualTo("Bearer");
      assertRefused(call(node, HttpMethod.GET, "/api/v1/stats", null), 401, "unauthorized", "missing");
      assertRefused(call(node, HttpMethod.POST, "/api/v1/messages", sha256(PUBLISH)), 401, "unauthorized", "unknown or revoked API key");
      assertRefused(call(node, HttpMethod.GET, "/api/v1/users/u-keys", "nope"), 401, "unauthorized", "unknown or revoked");
      assertThat(call(node, HttpMethod.GET, "/api/v1/connect", null).status()).isEqualTo(200);

      // counted by key name and by reason; /metrics names keys, never shows one
      assertThat(node.metric("vpush_api_key_requests_total", "key=\"billing\"")).isEqualTo(1.0);
      assertThat(node.metric("vpush_api_key_requests_total", "key=\"api.key\"")).isEqualTo(3.0);
      assertThat(node.metric("vpush_api_key_refused_total", "reason=\"scope\"")).isEqualTo(11.0);
      assertThat(node.metric("vpush_api_key_refused_total", "reason=\"missing\"")).isEqualTo(3.0);
      assertThat(node.metric("vpush_api_key_refused_total", "reason=\"unknown\"")).isEqualTo(2.0);
      assertThat(node.metric("vpush_api_keys", "")).isEqualTo(4.0);
      String scrape = WsTestClient.await(node.request(HttpMethod.GET, "/metrics", null, null)).body();
      for (String secret : new String[] {PUBLISH, STATS, ADMIN, TestNode.API_KEY, sha256(PUBLISH)}) {
        assertThat(scrape).doesNotContain(secret);
      }
    }
  }

  @Test
  void aKeyRemovedFromTheFileIsRefusedAfterTheAdminReloadWithoutARestart() throws IOException {
    Path keys = dir.resolve("keys.json");
    write(keys, threeKeys());
    try (TestNode node = start(keys, Map.of())) {
      assertThat(call(node, HttpMethod.POST, "/api/v1/messages", PUBLISH).status()).isEqualTo(202);
      write(keys, "{\"keys\":[" + entry("ops", "\"admin\"", ADMIN) + "," + entry("billing2", "\"publish\"", STATS) + "]}");
      // Not re-read yet (no polling here): the old key still works until the reload.
      assertThat(call(node, HttpMethod.POST, "/api/v1/messages", PUBLISH).status()).isEqualTo(202);

      TestNode.Response reloaded = call(node, HttpMethod.POST, "/api/v1/admin/keys/reload", ADMIN);
      assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
      assertThat(reloaded.json().getJsonObject("keys").getMap()).containsOnlyKeys("api.key", "ops", "billing2");
      assertThat(reloaded.body()).doesNotContain(sha256(ADMIN));

      assertRefused(call(node, HttpMethod.POST, "/api/v1/messages", PUBLISH), 401, "unauthorized", "unknown or revoked");
      // The same text now names another key with another scope.
      assertThat(call(node, HttpMethod.POST, "/api/v1/messages", STATS).status()).isEqualTo(202);
      assertThat(node.metric("vpush_api_keys_reloads_total", "result=\"ok\"")).isEqualTo(1.0);
    }
  }

  @Test
  void aBadFileOnReloadKeepsTheKeysInUseAndIsCounted() throws IOException {
    Path keys = dir.resolve("keys.json");
    write(keys, threeKeys());
    try (TestNode node = start(keys, Map.of())) {
      // A half-written file with a plain key in it: refused, and the answer does not quote the file.
      write(keys, "{\"keys\":[{\"name\":\"new\",\"scopes\":[\"publish\"],\"key\":\"half-written-secret-0123456789\"");
      TestNode.Response r = call(node, HttpMethod.POST, "/api/v1/admin/keys/reload", ADMIN);
      assertRefused(r, 422, "invalid_keys_file", "not a JSON object");
      assertThat(r.json().getString("message")).contains(keys.toString()).contains("the 4 keys in use stay").doesNotContain("half-written-secret");

      write(keys, "{\"keys\":[" + entry("billing", "\"pubish\"", PUBLISH) + "]}");
      assertRefused(call(node, HttpMethod.POST, "/api/v1/admin/keys/reload", ADMIN), 422, "invalid_keys_file", "key 'billing': unknown scope 'pubish'");

      assertThat(call(node, HttpMethod.POST, "/api/v1/messages", PUBLISH).status()).isEqualTo(202);
      assertThat(call(node, HttpMethod.GET, "/api/v1/stats", STATS).status()).isEqualTo(200);
      assertThat(node.metric("vpush_api_keys_reloads_total", "result=\"failed\"")).isEqualTo(2.0);
      assertThat(node.metric("vpush_api_keys", "")).isEqualTo(4.0);

      // A file gone keeps them too.
      Files.delete(keys);
      assertRefused(call(node, HttpMethod.POST, "/api/v1/admin/keys/reload", ADMIN), 422, "invalid_keys_file", "cannot be read");
      assertThat(call(node, HttpMethod.POST, "/api/v1/messages", PUBLISH).status()).isEqualTo(202);
    }
  }

  @Test
  void aChangedFileIsReReadOnItsOwn() throws IOException {
    Path keys = dir.resolve("keys.json");
    write(keys, threeKeys());
    try (TestNode node = start(keys, Map.of(Settings.API_KEYS_FILE_CHECK_MS, 20))) {
      assertThat(call(node, HttpMethod.POST, "/api/v1/messages", PUBLISH).status()).isEqualTo(202);
      write(keys, "{\"keys\":[" + entry("ops", "\"admin\"", ADMIN) + "]}");
      node.awaitMetric("vpush_api_keys_reloads_total", "result=\"ok\"", v -> v >= 1, Duration.ofSeconds(10));
      assertRefused(call(node, HttpMethod.POST, "/api/v1/messages", PUBLISH), 401, "unauthorized", "unknown or revoked");

      // A bad edit is seen, counted once, and the keys in use stay.
      write(keys, "{\"keys\":[" + entry("ops", "\"root\"", ADMIN) + "]}");
      node.awaitMetric("vpush_api_keys_reloads_total", "result=\"failed\"", v -> v >= 1, Duration.ofSeconds(10));
      assertThat(call(node, HttpMethod.GET, "/api/v1/users/x", ADMIN).status()).isEqualTo(200);
    }
  }

  @Test
  void withoutAKeysFileTheReloadSaysSo() {
    try (TestNode node = TestNode.start()) {
      assertRefused(call(node, HttpMethod.POST, "/api/v1/admin/keys/reload", TestNode.API_KEY), 409, "no_keys_file", "no api.keysFile");
    }
  }

  @Test
  void aBadFileAtStartFailsTheStartNamingTheFile() throws IOException {
    Path keys = dir.resolve("keys.json");
    write(keys, "{\"keys\":[" + entry("billing", "\"publish\",\"everything\"", PUBLISH) + "]}");
    assertThatThrownBy(() -> start(keys, Map.of()))
        .hasStackTraceContaining("'api.keysFile'").hasStackTraceContaining(keys.toString())
        .hasStackTraceContaining("key 'billing': unknown scope 'everything'");
  }
}
