package io.vpush.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vpush.cluster.NodeDirectory;
import io.vpush.http.HttpJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/connect}, for clients and SDKs, no API key: the access nodes to connect to, least loaded first,
 * each with its raw WebSocket and SockJS URLs and its load; nodes that are shutting down are left out. With
 * {@code ?user=} the list starts with that user's node by rendezvous hashing over the listed nodes (the same user
 * goes to the same node while the set is unchanged), then the rest, least loaded first. Cacheable for
 * {@link #MAX_AGE_SECONDS} seconds: the list itself is refreshed every two seconds (the node registry).
 */
public final class ConnectRoute {

  /** How long a client or proxy may reuse an answer. */
  static final int MAX_AGE_SECONDS = 5;
  /** A user id longer than this is not a user id: no affinity for it. */
  private static final int MAX_USER_CHARS = 256;

  private final NodeDirectory directory;

  public ConnectRoute(NodeDirectory directory) {
    this.directory = directory;
  }

  /** Mounts the route; before the API key check (it needs none). */
  public void mount(Router router) {
    router.get("/api/v1/connect").handler(this::connect);
  }

  private void connect(RoutingContext ctx) {
    String user = ctx.queryParams().get("user");
    if (user != null && (user.isEmpty() || user.length() > MAX_USER_CHARS)) {
      HttpJson.error(ctx, 400, "bad_request", "user must be 1.." + MAX_USER_CHARS + " characters");
      return;
    }
    directory.accessNodes().onSuccess(entries -> {
      List<JsonObject> nodes = choices(entries, user);
      // Per user, the answer is the user's own: shared caches must not hand it to another.
      ctx.response().putHeader("Cache-Control", (user == null ? "public" : "private") + ", max-age=" + MAX_AGE_SECONDS);
      // Public and keyless: a browser SDK on the app's own origin may read it (a simple GET, no preflight).
      ctx.response().putHeader("Access-Control-Allow-Origin", "*");
      HttpJson.ok(ctx, 200, new JsonObject().put("nodes", new JsonArray(nodes)).put("maxAgeSeconds", MAX_AGE_SECONDS));
    }).onFailure(e -> HttpJson.failure(ctx, e));
  }

  /** The directory's entries (least loaded first) as client choices, accepting nodes only, the user's first. */
  static List<JsonObject> choices(List<JsonObject> entries, String user) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject e : entries) {
      if (!e.getBoolean("accepting", true) || e.getString("url") == null) continue;
      String ws = e.getString("url");
      out.add(new JsonObject().put("id", e.getString("id")).put("websocket", ws).put("sockjs", sockJsUrl(ws))
          .put("connections", e.getLong("connections", 0L)).put("load", e.getDouble("load", 0.0)));
    }
    if (user == null || out.size() < 2) return out;
    int best = 0;
    long bestScore = Long.MIN_VALUE;
    for (int i = 0; i < out.size(); i++) {
      long score = score(user, out.get(i).getString("id"));
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    out.add(0, out.remove(best));
    return out;
  }

  /** Rendezvous (highest random weight) score of a (user, node) pair: FNV-1a 64 over both, then a 64-bit mix. */
  private static long score(String user, String nodeId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (user + '\u0000' + nodeId).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  /** The SockJS base URL beside a raw WebSocket URL: {@code ws://h:p/eventbus/websocket} -> {@code http://h:p/eventbus}. */
  static String sockJsUrl(String websocketUrl) {
    String url = websocketUrl;
    if (url.startsWith("wss://")) url = "https://" + url.substring(6);
    else if (url.startsWith("ws://")) url = "http://" + url.substring(5);
    return url.endsWith("/websocket") ? url.substring(0, url.length() - "/websocket".length()) : url;
  }
}
