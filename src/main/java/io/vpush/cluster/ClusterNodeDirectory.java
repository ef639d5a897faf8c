package io.vpush.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The access nodes of the cluster from the {@link NodeRegistry}, least loaded first (connections, then load). */
public final class ClusterNodeDirectory implements NodeDirectory {

  private final NodeRegistry registry;

  public ClusterNodeDirectory(NodeRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<List<JsonObject>> accessNodes() {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject e : registry.snapshot()) {
      if (e.getJsonArray("roles", new JsonArray()).contains("access")) {
        out.add(new JsonObject().put("id", e.getString("id")).put("url", e.getString("url"))
            .put("connections", e.getLong("connections", 0L)).put("load", e.getDouble("load", 0.0))
            .put("accepting", e.getBoolean("accepting", true))
            .put("roles", e.getJsonArray("roles")));
      }
    }
    out.sort(Comparator.<JsonObject>comparingLong(e -> e.getLong("connections")).thenComparingDouble(e -> e.getDouble("load")));
    return Future.succeededFuture(out);
  }
}
