package io.vpush.ops;

import io.vpush.dispatch.Kick;
import io.vpush.http.HttpJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vpush.cluster.NodeDirectory;
import io.vpush.dispatch.Dispatcher;
import io.vpush.store.Route;
import io.vpush.store.Store;

/** The admin and operations HTTP API (protocol.md section 10): users, kicks, nodes. */
public final class AdminApi {

  private final Store store;
  private final Dispatcher dispatcher;
  private final NodeDirectory nodes;

  public AdminApi(Store store, Dispatcher dispatcher, NodeDirectory nodes) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.nodes = nodes;
  }

  /** Mounts the routes; the caller puts the API key check in front. */
  public void mount(Router router) {
    router.get("/api/v1/users/:id").handler(this::user);
    router.delete("/api/v1/users/:id/connections").handler(this::kick);
    router.get("/api/v1/nodes").handler(ctx -> nodes.accessNodes()
        .onSuccess(list -> HttpJson.ok(ctx, 200, new JsonArray(list)))
        .onFailure(e -> HttpJson.failure(ctx, e)));
  }

  private void user(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Future<java.util.List<Route>> routes = store.routes(id);
    Future<Long> lastSeq = store.lastSeq(id);
    Future.all(routes, lastSeq).onSuccess(v -> {
      JsonArray connections = new JsonArray();
      for (Route r : routes.result()) {
        connections.add(new JsonObject().put("clientId", r.clientId()).put("device", r.device()).put("node", r.nodeId()).put("since", r.since()));
      }
      HttpJson.ok(ctx, 200, new JsonObject().put("online", !connections.isEmpty()).put("lastSeq", lastSeq.result()).put("connections", connections));
    }).onFailure(e -> HttpJson.failure(ctx, e));
  }

  private void kick(RoutingContext ctx) {
    String clientId = ctx.queryParams().get("clientId");
    dispatcher.kick(Kick.operator(ctx.pathParam("id"), clientId), true)
        .onSuccess(n -> HttpJson.ok(ctx, 200, new JsonObject().put("kicked", n)))
        .onFailure(e -> HttpJson.failure(ctx, e));
  }
}
