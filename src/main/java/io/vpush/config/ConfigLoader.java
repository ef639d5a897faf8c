package io.vpush.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link VPushConfig} from, lowest precedence first: defaults, a JSON file, {@code VPUSH_*}
 * environment variables, and {@code --key=value} flags; then checks the combination.
 */
public final class ConfigLoader {

  private final Map<Setting<?>, Object> values = new HashMap<>();
  private final Map<Setting<?>, String> sources = new HashMap<>();
  private final Map<String, Setting<?>> byKey = new LinkedHashMap<>();

  public ConfigLoader() {
    for (Setting<?> s : Settings.ALL) byKey.put(s.key(), s);
  }

  /** Reads a JSON file; nested objects ({@code {"http":{"port":1}}}) and dotted keys ({@code "http.port"}) both work. */
  public ConfigLoader file(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config error: file " + path + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config error: cannot read " + path + ": " + e.getMessage());
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("config error: " + path + " is not a JSON object: " + e.getMessage());
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", json, flat);
    String source = "file " + path;
    flat.forEach((key, raw) -> set(key, raw, source));
    return this;
  }

  /** Applies every {@code VPUSH_*} variable that names a setting; unknown {@code VPUSH_*} names are an error (typos). */
  public ConfigLoader env(Map<String, String> env) {
    Map<String, Setting<?>> byEnv = new HashMap<>();
    for (Setting<?> s : Settings.ALL) byEnv.put(s.envName(), s);
    env.forEach((name, raw) -> {
      if (!name.startsWith("VPUSH_") || name.startsWith("VPUSH_TEST_")) return;
      Setting<?> s = byEnv.get(name);
      if (s == null) throw new ConfigException("config error: unknown environment variable " + name + " (see --help)");
      put(s, raw, "environment variable " + name);
    });
    return this;
  }

  /** Applies {@code key=value} pairs given as flags. */
  public ConfigLoader flags(Map<String, String> flags) {
    flags.forEach((key, raw) -> set(key, raw, "flag --" + key));
    return this;
  }

  /** Checks combinations of settings and returns the config. */
  public VPushConfig load() {
    VPushConfig config = new VPushConfig(values, sources);
    validate(config);
    return config;
  }

  /**
   * What running a node needs beyond a valid config (gentoken does not): in production the store is chosen, not
   * defaulted, because the default (memory) loses every message on restart.
   */
  public static void checkForRun(VPushConfig c) {
    if (!c.isDev() && "default".equals(c.source(Settings.STORE))) {
      throw new ConfigException("config error: production mode needs 'store' (VPUSH_STORE) chosen: redis keeps messages across "
          + "restarts; memory loses them all on restart and runs only when set explicitly (store=memory)");
    }
    apiKeys(c);
  }

  /**
   * The node's API keys at start: {@code api.key} and the keys in {@code api.keysFile}, read now (blocking: call it
   * on the main thread); a missing or bad file is a config error naming the file, the setting's source and the entry.
   */
  public static ApiKeys apiKeys(VPushConfig c) {
    String file = c.get(Settings.API_KEYS_FILE);
    if (file == null) return ApiKeys.legacy(c.get(Settings.API_KEY));
    String text;
    try {
      Path path = Path.of(file);
      if (Files.size(path) > ApiKeys.MAX_FILE_BYTES) throw apiKeysFile(c, "is larger than " + ApiKeys.MAX_FILE_BYTES + " bytes");
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw apiKeysFile(c, "does not exist");
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw apiKeysFile(c, "cannot be read: " + e.getMessage());
    }
    return apiKeys(c, text);
  }

  /** {@code api.key} plus the keys of a keys file's {@code text}; a config error naming the file when it is bad. */
  public static ApiKeys apiKeys(VPushConfig c, String text) {
    try {
      return ApiKeys.legacy(c.get(Settings.API_KEY)).plus(ApiKeys.parse(text));
    } catch (IllegalArgumentException e) {
      throw apiKeysFile(c, e.getMessage());
    }
  }

  private static ConfigException apiKeysFile(VPushConfig c, String problem) {
    return ConfigException.badValue("api.keysFile", c.source(Settings.API_KEYS_FILE), c.get(Settings.API_KEYS_FILE) + " " + problem);
  }

  private void validate(VPushConfig c) {
    if (c.roles().isEmpty()) throw ConfigException.badValue("roles", c.source(Settings.ROLES), "at least one role is needed");
    if (!c.isDev()) {
      if (!hasTokenKeys(c)) {
        throw new ConfigException("config error: production mode needs 'jwt.secret' (VPUSH_JWT_SECRET), 'jwt.publicKey', "
            + "'jwt.keys' or 'jwt.jwksUrl'; there is no default secret in production");
      }
      if (c.get(Settings.API_KEY) == null && c.get(Settings.API_KEYS_FILE) == null) {
        throw new ConfigException("config error: production mode needs 'api.keysFile' (VPUSH_API_KEYS_FILE, named keys with scopes) "
            + "or 'api.key' (VPUSH_API_KEY); there is no default key in production");
      }
      String secret = c.get(Settings.JWT_SECRET);
      if (secret != null && secret.length() < 32) {
        throw ConfigException.badValue("jwt.secret", c.source(Settings.JWT_SECRET), "must be at least 32 characters in production mode");
      }
    }
    checkTokenKeys(c);
    if (c.get(Settings.PUBLISH_MAX_BODY_BYTES) > c.get(Settings.FRAME_MAX_BYTES)) {
      throw ConfigException.badValue("publish.maxBodyBytes", c.source(Settings.PUBLISH_MAX_BODY_BYTES),
          "must not exceed frame.maxBytes (" + c.get(Settings.FRAME_MAX_BYTES) + "): a client could not receive such a message");
    }
    if (c.get(Settings.SYNC_DEFAULT_LIMIT) > c.get(Settings.SYNC_MAX_LIMIT)) {
      throw ConfigException.badValue("sync.defaultLimit", c.source(Settings.SYNC_DEFAULT_LIMIT), "must not exceed sync.maxLimit");
    }
    TlsChecks.validate(c); // TLS: certificate files readable and of the right kind, sane combinations
    checkDurability(c);
  }

  /** store.durability above memory needs the Redis store, and is checked against Redis itself at start (StoreFactory). */
  private static void checkDurability(VPushConfig c) {
    String level = c.get(Settings.STORE_DURABILITY);
    if ("memory".equals(level)) return;
    if (!"redis".equals(c.get(Settings.STORE))) {
      throw ConfigException.badValue(Settings.STORE_DURABILITY.key(), c.source(Settings.STORE_DURABILITY),
          level + " needs store=redis (the memory engine keeps nothing across a restart)");
    }
    if ("replicated".equals(level) && c.get(Settings.STORE_REPLICA_TIMEOUT_MS) >= c.get(Settings.REDIS_COMMAND_TIMEOUT_MS)) {
      throw ConfigException.badValue(Settings.STORE_REPLICA_TIMEOUT_MS.key(), c.source(Settings.STORE_REPLICA_TIMEOUT_MS),
          "must be below redis.commandTimeoutMs (" + c.get(Settings.REDIS_COMMAND_TIMEOUT_MS) + "): the WAIT would time out as a failed command");
    }
    if ("cluster".equals(c.get(Settings.REDIS_MODE))) {
      throw ConfigException.badValue(Settings.STORE_DURABILITY.key(), c.source(Settings.STORE_DURABILITY),
          level + " is not supported with redis.mode=cluster yet (it is checked and waited for on one master); use "
              + "standalone or sentinel, or memory with your cluster's own persistence settings");
    }
  }

  // --- token keys (issue 25) ---
  /** Whether any client-token verification key is configured: a secret, a public key, jwt.keys or a JWKS URL. */
  public static boolean hasTokenKeys(VPushConfig c) {
    return c.get(Settings.JWT_SECRET) != null || c.get(Settings.JWT_PUBLIC_KEY) != null
        || !c.get(Settings.JWT_KEYS).isEmpty() || c.get(Settings.JWT_JWKS_URL) != null;
  }

  private static void checkTokenKeys(VPushConfig c) {
    JwtKeys.of(c); // throws naming the key id and the source
    String url = c.get(Settings.JWT_JWKS_URL);
    if (url != null) {
      java.net.URI uri;
      try {
        uri = new java.net.URI(url);
      } catch (java.net.URISyntaxException e) {
        throw ConfigException.badValue("jwt.jwksUrl", c.source(Settings.JWT_JWKS_URL), "not a URL: " + e.getMessage());
      }
      if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
        throw ConfigException.badValue("jwt.jwksUrl", c.source(Settings.JWT_JWKS_URL), "must be an http:// or https:// URL with a host");
      }
    }
  }
  // --- end token keys ---

  private void set(String key, Object raw, String source) {
    Setting<?> s = byKey.get(key);
    if (s == null) throw new ConfigException("config error: unknown key '" + key + "' in " + source + " (see --help for the keys)");
    put(s, raw, source);
  }

  private void put(Setting<?> s, Object raw, String source) {
    try {
      values.put(s, s.parse(raw));
      sources.put(s, source);
    } catch (IllegalArgumentException e) {
      throw ConfigException.badValue(s.key(), source, e.getMessage());
    }
  }

  private static void flatten(String prefix, JsonObject json, Map<String, Object> out) {
    for (Map.Entry<String, Object> e : json) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof JsonObject child) flatten(key, child, out);
      else if (e.getValue() instanceof io.vertx.core.json.JsonArray arr) out.put(key, List.copyOf(arr.getList()));
      else out.put(key, e.getValue());
    }
  }
}
