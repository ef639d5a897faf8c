package io.vpush.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API key set: parsing a keys file, scopes, matching by SHA-256, and errors that name the entry, never a key. */
class ApiKeysTest {

  private static final String BILLING = "billing-key-0123456789abcdef";
  private static final String OPS = "ops-key-0123456789abcdef-ops";

  @TempDir
  Path dir;

  static String sha256(String key) {
    return HexFormat.of().formatHex(ApiKeys.sha256(key));
  }

  private static String file(String entries) {
    return "{\"keys\":[" + entries + "]}";
  }

  @Test
  void aKeyMatchesByItsSha256OrItsPlainTextAndCarriesItsScopes() {
    ApiKeys keys = ApiKeys.parse(file(
        "{\"name\":\"billing\",\"scopes\":[\"publish\"],\"sha256\":\"" + sha256(BILLING).toUpperCase() + "\"},"
            + "{\"name\":\"ops\",\"scopes\":[\"admin\",\"STATS\"],\"key\":\"" + OPS + "\"}"));
    assertThat(keys.size()).isEqualTo(2);
    ApiKeys.Key billing = keys.match(BILLING);
    assertThat(billing.name()).isEqualTo("billing");
    assertThat(billing.allows(ApiScope.PUBLISH)).isTrue();
    assertThat(billing.allows(ApiScope.ADMIN)).isFalse();
    assertThat(billing.allows(ApiScope.STATS)).isFalse();
    ApiKeys.Key ops = keys.match(OPS);
    assertThat(ops.name()).isEqualTo("ops");
    assertThat(ops.scopes()).containsExactlyInAnyOrder(ApiScope.ADMIN, ApiScope.STATS);
    assertThat(keys.describe()).isEqualTo(Map.of("billing", List.of("publish"), "ops", List.of("admin", "stats")));
  }

  @Test
  void anUnknownKeyAPrefixOrNothingMatchesNothing() {
    ApiKeys keys = ApiKeys.parse(file("{\"name\":\"billing\",\"scopes\":[\"publish\"],\"sha256\":\"" + sha256(BILLING) + "\"}"));
    assertThat(keys.match("other-key-0123456789abcdef")).isNull();
    assertThat(keys.match(BILLING.substring(0, BILLING.length() - 1))).isNull();
    assertThat(keys.match(BILLING + " ")).isNull();
    assertThat(keys.match("")).isNull();
    assertThat(keys.match(null)).isNull();
    // The digest itself is not the key.
    assertThat(keys.match(sha256(BILLING))).isNull();
  }

  @Test
  void apiKeyIsOneKeyWithEveryScopeBesideTheFile() {
    ApiKeys keys = ApiKeys.legacy("the-old-single-key").plus(
        ApiKeys.parse(file("{\"name\":\"billing\",\"scopes\":[\"publish\"],\"sha256\":\"" + sha256(BILLING) + "\"}")));
    ApiKeys.Key legacy = keys.match("the-old-single-key");
    assertThat(legacy.name()).isEqualTo(ApiKeys.LEGACY_NAME);
    assertThat(legacy.scopes()).containsExactlyInAnyOrder(ApiScope.values());
    assertThat(keys.match(BILLING).name()).isEqualTo("billing");
    assertThat(ApiKeys.legacy(null).isEmpty()).isTrue();
  }

  @Test
  void anEmptyListRevokesEveryKey() {
    assertThat(ApiKeys.parse("{\"keys\":[]}").match(BILLING)).isNull();
  }

  @Test
  void badFilesAreRefusedNamingTheEntryAndNeverTheKey() {
    String digest = sha256(BILLING);
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"keys\":[{\"name\":\"a\",\"scopes\":[\"publish\"],\"key\":\"" + BILLING + "\"", "not a JSON object (line 1");
    cases.put("[]", "not a JSON object");
    cases.put("{\"key\":[]}", "unknown field 'key'");
    cases.put("{}", "needs a 'keys' array");
    cases.put(file("\"" + BILLING + "\""), "keys[0] is not an object");
    cases.put(file("{\"scopes\":[\"publish\"],\"key\":\"" + BILLING + "\"}"), "keys[0]: 'name'");
    cases.put(file("{\"name\":\"has space\",\"scopes\":[\"publish\"],\"key\":\"" + BILLING + "\"}"), "keys[0]: 'name'");
    cases.put(file("{\"name\":\"a\",\"key\":\"" + BILLING + "\"}"), "key 'a': 'scopes'");
    cases.put(file("{\"name\":\"a\",\"scopes\":[],\"key\":\"" + BILLING + "\"}"), "key 'a': 'scopes'");
    cases.put(file("{\"name\":\"a\",\"scopes\":[\"publsh\"],\"key\":\"" + BILLING + "\"}"), "key 'a': unknown scope 'publsh', allowed: [publish, admin, stats]");
    cases.put(file("{\"name\":\"a\",\"scopes\":[\"publish\"]}"), "key 'a': needs exactly one of 'sha256'");
    cases.put(file("{\"name\":\"a\",\"scopes\":[\"publish\"],\"key\":\"" + BILLING + "\",\"sha256\":\"" + digest + "\"}"), "needs exactly one");
    cases.put(file("{\"name\":\"a\",\"scopes\":[\"publish\"],\"sha256\":\"" + digest.substring(1) + "\"}"), "key 'a': 'sha256' must be 64 hex digits");
    cases.put(file("{\"name\":\"a\",\"scopes\":[\"publish\"],\"key\":\"short\"}"), "key 'a': 'key' must be a string of at least 16");
    cases.put(file("{\"name\":\"a\",\"scopes\":[\"publish\"],\"key\":\"" + BILLING + "\",\"scope\":1}"), "key 'a': unknown field 'scope'");
    cases.put(file("{\"name\":\"a\",\"scopes\":[\"publish\"],\"key\":\"" + BILLING + "\"},"
        + "{\"name\":\"a\",\"scopes\":[\"admin\"],\"key\":\"" + OPS + "\"}"), "the name 'a' is used by two keys");
    cases.put(file("{\"name\":\"a\",\"scopes\":[\"publish\"],\"key\":\"" + BILLING + "\"},"
        + "{\"name\":\"b\",\"scopes\":[\"admin\"],\"sha256\":\"" + digest + "\"}"), "keys 'a' and 'b' are the same key");
    cases.forEach((text, expected) -> assertThatThrownBy(() -> ApiKeys.parse(text)).as(text)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(BILLING).doesNotContain(digest).doesNotContain(digest.substring(1))));
  }

  @Test
  void tooManyKeysAreRefused() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= ApiKeys.MAX_KEYS; i++) {
      if (i > 0) sb.append(',');
      sb.append("{\"name\":\"k").append(i).append("\",\"scopes\":[\"publish\"],\"sha256\":\"").append(sha256("key-" + i)).append("\"}");
    }
    assertThatThrownBy(() -> ApiKeys.parse(file(sb.toString()))).hasMessageContaining("more than " + ApiKeys.MAX_KEYS);
  }

  @Test
  void theKeySetsStringFormShowsNamesAndScopesOnly() {
    ApiKeys keys = ApiKeys.legacy(BILLING);
    assertThat(keys.toString()).contains("api.key").doesNotContain(BILLING).doesNotContain(sha256(BILLING));
    assertThat(keys.match(BILLING).toString()).doesNotContain(BILLING).doesNotContain(sha256(BILLING));
  }

  // --- through the config loader ---

  private static Map<String, String> production(Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("VPUSH_MODE", "production", "VPUSH_JWT_SECRET", "x".repeat(40),
        "VPUSH_STORE", "memory"));
    env.putAll(more);
    return env;
  }

  @Test
  void productionStartsWithAKeysFileAloneAndChecksItAtStart() throws IOException {
    Path keysFile = dir.resolve("keys.json");
    Files.writeString(keysFile, file("{\"name\":\"billing\",\"scopes\":[\"publish\"],\"sha256\":\"" + sha256(BILLING) + "\"}"));
    VPushConfig c = new ConfigLoader().env(production(Map.of("VPUSH_API_KEYS_FILE", keysFile.toString()))).load();
    ConfigLoader.checkForRun(c);
    assertThat(ConfigLoader.apiKeys(c).match(BILLING).name()).isEqualTo("billing");

    assertThatThrownBy(() -> new ConfigLoader().env(production(Map.of())).load())
        .hasMessageContaining("api.keysFile").hasMessageContaining("VPUSH_API_KEYS_FILE").hasMessageContaining("api.key");
  }

  @Test
  void aBadOrMissingKeysFileIsAConfigErrorNamingTheFileAndItsSource() throws IOException {
    Path keysFile = dir.resolve("keys.json");
    Files.writeString(keysFile, file("{\"name\":\"billing\",\"scopes\":[\"pubish\"],\"key\":\"" + BILLING + "\"}"));
    VPushConfig bad = new ConfigLoader().flags(Map.of("api.keysFile", keysFile.toString())).load();
    assertThatThrownBy(() -> ConfigLoader.checkForRun(bad)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'api.keysFile' from flag --api.keysFile").hasMessageContaining(keysFile.toString())
        .hasMessageContaining("key 'billing': unknown scope 'pubish'").hasMessageNotContaining(BILLING);

    VPushConfig missing = new ConfigLoader().env(Map.of("VPUSH_API_KEYS_FILE", dir.resolve("nope.json").toString())).load();
    assertThatThrownBy(() -> ConfigLoader.checkForRun(missing)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("environment variable VPUSH_API_KEYS_FILE").hasMessageContaining("nope.json does not exist");

    // api.key's name may not be taken by the file while api.key is set.
    Files.writeString(keysFile, file("{\"name\":\"api.key\",\"scopes\":[\"publish\"],\"key\":\"" + BILLING + "\"}"));
    VPushConfig clash = new ConfigLoader().flags(Map.of("api.keysFile", keysFile.toString(), "api.key", OPS)).load();
    assertThatThrownBy(() -> ConfigLoader.checkForRun(clash)).hasMessageContaining("the name 'api.key' is used by two keys");
  }

  @Test
  void devModeGeneratesNoAllScopeKeyBesideAKeysFile() throws IOException {
    Path keysFile = dir.resolve("keys.json");
    Files.writeString(keysFile, "{\"keys\":[]}");
    VPushConfig c = new ConfigLoader().flags(Map.of("api.keysFile", keysFile.toString(), "jwt.secret", "x".repeat(40))).load();
    assertThat(DevSecrets.apply(c).get(Settings.API_KEY)).isNull();
  }
}
