package io.vpush.config;

/** A configuration value that vpush cannot start with; the message names the key and where the value came from. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  static ConfigException badValue(String key, String source, String problem) {
    return new ConfigException("config error: '" + key + "' from " + source + ": " + problem);
  }
}
