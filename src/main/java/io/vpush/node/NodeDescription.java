package io.vpush.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;

import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** What a node says about itself in the node list and the registry: id, client URL, connections, load, roles. */
final class NodeDescription {

  private final String nodeId;
  private final VPushConfig config;
  private final Metrics metrics;
  private final IntSupplier httpPort;
  private final BooleanSupplier closing;

  /** @param closing true once the node began to shut down: it is then described as not accepting clients */
  NodeDescription(String nodeId, VPushConfig config, Metrics metrics, IntSupplier httpPort, BooleanSupplier closing) {
    this.closing = closing;
    this.nodeId = nodeId;
    this.config = config;
    this.metrics = metrics;
    this.httpPort = httpPort;
  }

  JsonObject describe() {
    double load = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? Math.max(0, os.getProcessCpuLoad()) : 0;
    return new JsonObject().put("id", nodeId).put("url", advertisedUrl())
        .put("connections", metrics.connectionCount()).put("load", Math.round(load * 1000) / 1000.0)
        .put("roles", new JsonArray(config.roles())).put("accepting", !closing.getAsBoolean());
  }

  private String advertisedUrl() {
    String url = config.get(Settings.ADVERTISED_URL);
    if (url != null) return url;
    String host = config.httpHost();
    String scheme = io.vpush.tls.TlsOptions.httpTls(config) ? "wss://" : "ws://"; // tls.*: the port speaks TLS only
    return scheme + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + httpPort.getAsInt() + "/eventbus/websocket";
  }
}
