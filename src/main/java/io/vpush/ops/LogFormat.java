package io.vpush.ops;

import ch.qos.logback.core.PropertyDefinerBase;

import java.util.Locale;

/**
 * Chooses logback.xml's appender: {@code JSON} (JSON lines) or {@code TEXT}. Read by Logback when it
 * configures itself, so the choice holds whichever class logs first: {@code -Dvpush.log.appender=JSON|TEXT},
 * {@code -Dvpush.log.json=true}, or the environment variable {@code VPUSH_LOG_JSON=true} (config key
 * {@code log.json}; the launcher also sets the system property from a config file before logging starts).
 */
public final class LogFormat extends PropertyDefinerBase {

  @Override
  public String getPropertyValue() {
    String appender = System.getProperty("vpush.log.appender");
    if (appender != null && !appender.isBlank()) return appender.trim().toUpperCase(Locale.ROOT);
    if (Boolean.getBoolean("vpush.log.json") || "true".equalsIgnoreCase(System.getenv("VPUSH_LOG_JSON"))) return "JSON";
    return "TEXT";
  }
}
