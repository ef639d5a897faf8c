package io.vpush.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  @Test
  void defaultsRunEveryRoleOnTheMemoryStoreInDevMode() {
    VPushConfig c = new ConfigLoader().load();
    assertThat(c.isDev()).isTrue();
    assertThat(c.roles()).containsExactly("access", "dispatch", "purge", "delay");
    assertThat(c.get(Settings.STORE)).isEqualTo("memory");
    assertThat(c.get(Settings.HTTP_PORT)).isEqualTo(8080);
    assertThat(c.source(Settings.HTTP_PORT)).isEqualTo("default");
  }

  @Test
  void fileThenEnvironmentThenFlagsInOrderOfPrecedence() throws IOException {
    Path file = write("{\"http\":{\"port\":9000},\"ack.timeoutMs\":700,\"roles\":[\"access\",\"dispatch\"]}");
    VPushConfig c = new ConfigLoader().file(file)
        .env(Map.of("VPUSH_HTTP_PORT", "9001", "VPUSH_ROLES", "access, purge", "PATH", "/bin"))
        .flags(Map.of("http.port", "9002"))
        .load();
    assertThat(c.get(Settings.HTTP_PORT)).isEqualTo(9002);
    assertThat(c.source(Settings.HTTP_PORT)).isEqualTo("flag --http.port");
    assertThat(c.get(Settings.ACK_TIMEOUT_MS)).isEqualTo(700);
    assertThat(c.source(Settings.ACK_TIMEOUT_MS)).isEqualTo("file " + file);
    assertThat(c.roles()).containsExactly("access", "purge");
  }

  @Test
  void aDurabilityAboveMemoryNeedsRedisOutsideClusterModeAndAWaitShorterThanACommand() {
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_STORE_DURABILITY", "fsync")).load())
        .hasMessageContaining("'store.durability' from environment variable VPUSH_STORE_DURABILITY").hasMessageContaining("store=redis");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_STORE", "redis", "VPUSH_REDIS_MODE", "cluster",
        "VPUSH_STORE_DURABILITY", "replicated")).load()).hasMessageContaining("redis.mode=cluster");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_STORE", "redis", "VPUSH_STORE_DURABILITY", "replicated",
        "VPUSH_STORE_REPLICA_TIMEOUT_MS", "5000")).load()).hasMessageContaining("'store.replicaTimeoutMs'");
    assertThat(new ConfigLoader().env(Map.of("VPUSH_STORE", "redis", "VPUSH_REDIS_MODE", "sentinel",
        "VPUSH_STORE_DURABILITY", "replicated")).load().get(Settings.STORE_DURABILITY)).isEqualTo("replicated");
  }

  @Test
  void envNamesAreDerivedFromKeys() {
    assertThat(Settings.TCP_BRIDGE_PORT.envName()).isEqualTo("VPUSH_TCP_BRIDGE_PORT");
    assertThat(Settings.JWT_SECRET.envName()).isEqualTo("VPUSH_JWT_SECRET");
    assertThat(Settings.ACK_TIMEOUT_MS.envName()).isEqualTo("VPUSH_ACK_TIMEOUT_MS");
    assertThat(Settings.ADVERTISED_URL.envName()).isEqualTo("VPUSH_ADVERTISED_URL");
  }

  @Test
  void everySettingHasADistinctKeyAndEnvName() {
    assertThat(Settings.ALL.stream().map(Setting::key).distinct().count()).isEqualTo(Settings.ALL.size());
    assertThat(Settings.ALL.stream().map(Setting::envName).distinct().count()).isEqualTo(Settings.ALL.size());
  }

  @Test
  void badValueNamesTheKeyAndTheSource() throws IOException {
    Path file = write("{\"http\":{\"port\":\"eighty\"}}");
    assertThatThrownBy(() -> new ConfigLoader().file(file).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'http.port'").hasMessageContaining(file.toString()).hasMessageContaining("whole number");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_HTTP_PORT", "70000")).load())
        .hasMessageContaining("'http.port'").hasMessageContaining("VPUSH_HTTP_PORT").hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_ROLES", "access,router")).load())
        .hasMessageContaining("'roles'").hasMessageContaining("router");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_MODE", "prod")).load())
        .hasMessageContaining("'mode'").hasMessageContaining("dev, production");
  }

  @Test
  void unknownKeysAndVariablesAreErrorsNotSilentTypos() throws IOException {
    Path file = write("{\"http\":{\"prot\":9000}}");
    assertThatThrownBy(() -> new ConfigLoader().file(file).load()).hasMessageContaining("unknown key 'http.prot'").hasMessageContaining(file.toString());
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_HTTP_PROT", "1")).load()).hasMessageContaining("VPUSH_HTTP_PROT");
    // Test inputs of the project's own tests are not settings.
    assertThat(new ConfigLoader().env(Map.of("VPUSH_TEST_URL", "x")).load().isDev()).isTrue();
  }

  @Test
  void malformedOrMissingFileIsNamed() throws IOException {
    Path file = write("{not json");
    assertThatThrownBy(() -> new ConfigLoader().file(file).load()).hasMessageContaining(file.toString()).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> new ConfigLoader().file(dir.resolve("nope.json")).load()).hasMessageContaining("does not exist");
  }

  @Test
  void productionRunsOnlyOnAStoreChosenExplicitly() {
    Map<String, String> prod = Map.of("VPUSH_MODE", "production", "VPUSH_JWT_SECRET", "x".repeat(40), "VPUSH_API_KEY", "k");
    VPushConfig defaulted = new ConfigLoader().env(prod).load();
    assertThatThrownBy(() -> ConfigLoader.checkForRun(defaulted)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'store'").hasMessageContaining("store=memory");
    Map<String, String> memory = new java.util.HashMap<>(prod);
    memory.put("VPUSH_STORE", "memory");
    ConfigLoader.checkForRun(new ConfigLoader().env(memory).load());
    ConfigLoader.checkForRun(new ConfigLoader().load()); // dev mode: memory by default
  }

  @Test
  void productionRefusesToStartWithoutExplicitSecrets() {
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_MODE", "production")).load())
        .hasMessageContaining("jwt.secret").hasMessageContaining("VPUSH_JWT_SECRET");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_MODE", "production", "VPUSH_JWT_SECRET", "x".repeat(40))).load())
        .hasMessageContaining("api.key").hasMessageContaining("VPUSH_API_KEY");
    assertThatThrownBy(() -> new ConfigLoader().env(Map.of("VPUSH_MODE", "production", "VPUSH_JWT_SECRET", "short", "VPUSH_API_KEY", "k")).load())
        .hasMessageContaining("'jwt.secret'").hasMessageContaining("32");
    VPushConfig ok = new ConfigLoader().env(Map.of("VPUSH_MODE", "production", "VPUSH_JWT_SECRET", "x".repeat(40), "VPUSH_API_KEY", "k")).load();
    assertThat(ok.isDev()).isFalse();
  }

  @Test
  void publishBodyMayNotExceedWhatAClientFrameCarries() {
    assertThatThrownBy(() -> new ConfigLoader().flags(Map.of("publish.maxBodyBytes", "100000")).load())
        .hasMessageContaining("'publish.maxBodyBytes'").hasMessageContaining("frame.maxBytes");
  }

  @Test
  void listsAcceptJsonArraysAndCommaStrings() {
    assertThat(new ConfigLoader().flags(Map.of("topics.public", "news.*, prices")).load().get(Settings.TOPICS_PUBLIC))
        .isEqualTo(List.of("news.*", "prices"));
  }

  private Path write(String json) throws IOException {
    Path f = Files.createTempFile(dir, "vpush", ".json");
    Files.writeString(f, json);
    return f;
  }
}
