package io.vpush.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Dev mode's generated API key and JWT secret, kept in {@code ~/.vpush/dev-secrets.json} so that
 * {@code gentoken} (another process) signs tokens the running dev server accepts. Never used in production mode.
 */
public final class DevSecrets {

  /** Where the file lives; {@code -Dvpush.devSecrets=PATH} moves it (tests). */
  public static Path file() {
    String override = System.getProperty("vpush.devSecrets");
    return override != null ? Path.of(override) : Path.of(System.getProperty("user.home"), ".vpush", "dev-secrets.json");
  }

  private DevSecrets() {}

  /** Fills in a missing JWT secret and API key from the dev secrets file (created on first use). */
  public static VPushConfig apply(VPushConfig config) {
    if (!config.isDev()) return config;
    boolean needSecret = !ConfigLoader.hasTokenKeys(config);
    // A keys file is the operator's choice of keys: no generated all-scope key beside it.
    boolean needKey = config.get(Settings.API_KEY) == null && config.get(Settings.API_KEYS_FILE) == null;
    if (!needSecret && !needKey) return config;
    JsonObject secrets = load();
    Map<Setting<?>, Object> values = new HashMap<>();
    if (needSecret) values.put(Settings.JWT_SECRET, secrets.getString("jwtSecret"));
    if (needKey) values.put(Settings.API_KEY, secrets.getString("apiKey"));
    return config.with(values, "dev secrets file " + file());
  }

  private static JsonObject load() {
    Path path = file();
    try {
      if (Files.exists(path)) {
        JsonObject json = new JsonObject(Files.readString(path, StandardCharsets.UTF_8));
        if (json.getString("jwtSecret") != null && json.getString("apiKey") != null) return json;
      }
      SecureRandom random = new SecureRandom();
      JsonObject json = new JsonObject()
          .put("jwtSecret", "dev-" + hex(random, 32))
          .put("apiKey", "dev-" + hex(random, 16));
      Files.createDirectories(path.getParent());
      Files.writeString(path, json.encodePrettily(), StandardCharsets.UTF_8);
      return json;
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("config error: cannot read or write the dev secrets file " + path + ": " + e.getMessage()
          + " (set VPUSH_JWT_SECRET and VPUSH_API_KEY instead)");
    }
  }

  private static String hex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
