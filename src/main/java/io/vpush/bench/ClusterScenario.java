package io.vpush.bench;

import io.vertx.core.json.JsonObject;

/** {@code cluster}: 3 nodes, clients on two access nodes, publishing on the third. Waits for the cluster issue. */
final class ClusterScenario implements Scenario {

  @Override
  public String name() { return "cluster"; }

  @Override
  public JsonObject run(ScenarioContext ctx) {
    throw new UnsupportedOperationException("the cluster scenario is not implemented yet (needs the cluster issue)");
  }
}
