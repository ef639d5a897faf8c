package io.vpush.bench;

import io.vertx.core.json.JsonObject;

/** One named benchmark ({@code idle}, {@code unicast}, ...): drives the fleet and publisher, returns its figures. */
public interface Scenario {

  String name();

  /**
   * Runs to completion (blocking the calling thread, never an event loop). May put {@code steps} with
   * {@code fromSec}/{@code toSec} windows in the result; the report adds each window's latency.
   */
  JsonObject run(ScenarioContext ctx) throws Exception;

  /** True for a scenario that brings its own clients (the context's fleet then holds none). */
  default boolean ownClients() { return false; }

  static Scenario named(String name) {
    return switch (name) {
      case "idle" -> new IdleScenario();
      case "unicast" -> new UnicastScenario();
      case "multicast" -> new MulticastScenario();
      case "reconnect" -> new ReconnectScenario();
      case "reconnect-js" -> new ReconnectJsScenario();
      case "cluster" -> new ClusterScenario();
      default -> throw new IllegalArgumentException("unknown scenario '" + name
          + "' (idle, unicast, multicast, reconnect, reconnect-js, cluster)");
    };
  }
}
