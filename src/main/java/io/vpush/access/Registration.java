package io.vpush.access;

import io.vpush.auth.TokenClaims;
import io.vertx.core.json.JsonObject;
import io.vpush.store.Route;

/**
 * Who a registered connection is: the user stream it joined, the client and device it speaks for, the token's claims
 * and when it registered (its route entry's {@code since}).
 */
record Registration(String userId, String clientId, String device, TokenClaims claims, long since) {

  /** This connection's entry in the user's route table. */
  Route route(String nodeId) {
    return new Route(userId, nodeId, clientId, device, since);
  }

  /** A presence event of {@code type} (connect, disconnect) for the upstream. */
  JsonObject presenceEvent(String type, String nodeId, long nowMs) {
    return new JsonObject().put("type", type).put("user", userId).put("clientId", clientId).put("device", device)
        .put("node", nodeId).put("ts", nowMs);
  }

  /** The connection as the presence query lists it. */
  JsonObject describe(String nodeId, String transportKind) {
    return new JsonObject().put("clientId", clientId).put("device", device).put("node", nodeId)
        .put("since", since).put("transport", transportKind);
  }
}
