package io.vpush;

import io.vpush.config.DevSecrets;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

/** The {@code --help} text (written from {@link Settings#ALL}) and the dev-mode banner. */
final class Help {

  private Help() {}

  static String text() {
    StringBuilder sb = new StringBuilder();
    sb.append("""
        vpush - reliable real-time message push server

        Usage:
          java -jar vpush.jar [run] [-conf FILE] [-cluster] [--key=value ...]   run a node (default: standalone dev, memory store)
          java -jar vpush.jar gentoken --user ID [--ttl 1h] [--topics a,b] [--devices pc,mobile] [--kid ID] [-conf FILE]
          java -jar vpush.jar --help

        The load generator is a jar of its own: java -jar bench/target/vpush-bench.jar --help (docs/benchmarks.md).

        Settings: defaults < -conf FILE (JSON, nested or dotted keys) < environment VPUSH_* < --key=value flags.

        """);
    for (Setting<?> s : Settings.ALL) {
      Object def = s.defaultValue();
      sb.append(String.format("  %-28s %-30s %s%n      %s%n", s.key(), s.envName(), "default: " + (def == null ? "(none)" : def), s.description()));
    }
    return sb.toString();
  }

  // Where a dev node can be reached from: said loudly, since dev mode has generated secrets and mints tokens.
  private static String reach(VPushConfig config) {
    String host = config.httpHost();
    if (config.get(Settings.HTTP_HOST) == null) return "from this machine only (" + host + "; set VPUSH_HTTP_HOST to open it)";
    return "on " + host + " (VPUSH_HTTP_HOST), so possibly from other machines: dev secrets are not for that";
  }

  // The banner shows the API key only when dev mode generated it: a key the operator chose is never printed.
  private static String apiKey(VPushConfig config) {
    String key = config.get(Settings.API_KEY);
    String file = config.get(Settings.API_KEYS_FILE);
    if (key != null && config.source(Settings.API_KEY).startsWith("dev secrets file")) return key;
    if (file != null) return "(named keys from " + file + (key != null ? ", and api.key" : "") + ")";
    return "(api.key from " + config.source(Settings.API_KEY) + ")";
  }

  static String devBanner(VPushConfig config, int port) {
    String line = "!".repeat(78);
    String key = apiKey(config);
    String bearer = key.startsWith("(") ? "$KEY" : key;
    String web = (io.vpush.tls.TlsOptions.httpTls(config) ? "https" : "http") + "://127.0.0.1:"; // tls.*: https only
    return line + "\n"
        + "!!  vpush is running in DEV MODE: generated secrets, not for production.\n"
        + "!!  Secrets file : " + DevSecrets.file() + "\n"
        + "!!  API key      : " + key + "\n"
        + "!!  Reachable    : " + reach(config) + "\n"
        + "!!  Demo page    : " + web + port + "/  (/dev/token answers this machine only)\n"
        + "!!  Get a token  : java -jar target/vpush.jar gentoken --user alice\n"
        + "!!  Publish      : curl -H 'Authorization: Bearer " + bearer + "' \\\n"
        + "!!                   -d '{\"user\":\"alice\",\"payload\":{\"text\":\"hi\"}}' " + web + port + "/api/v1/messages\n"
        + "!!  Production   : set VPUSH_MODE=production, VPUSH_JWT_SECRET and VPUSH_API_KEYS_FILE (or VPUSH_API_KEY).\n"
        + line;
  }
}
