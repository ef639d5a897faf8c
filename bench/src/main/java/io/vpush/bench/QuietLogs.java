package io.vpush.bench;

import org.slf4j.LoggerFactory;

/** Without a logback configuration, logback logs Netty at DEBUG to stdout: keep the bench's output to its summary. */
final class QuietLogs {
  private QuietLogs() {}

  static void apply() {
    ClassLoader cl = QuietLogs.class.getClassLoader();
    if (cl.getResource("logback.xml") != null || cl.getResource("logback-test.xml") != null
        || System.getProperty("logback.configurationFile") != null) {
      return;
    }
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }
}
