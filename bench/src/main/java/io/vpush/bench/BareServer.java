package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.FreePorts;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The naive reference server ({@code --target bare}): a user -> socket map and a frame write, nothing else. No auth,
 * no store, no acks, no retries. It speaks the same register frames and a trivial {@code POST /api/v1/messages} so
 * every scenario runs against it unchanged. One instance per event loop, sharing the map.
 */
public final class BareServer extends VerticleBase {

  private static final String WS_PATH = "/eventbus/websocket";
  private static final String PONG = new JsonObject().put("type", "pong").encode();

  private final Map<String, Conn> users;
  private final int port;
  private HttpServer server;

  /** A registered socket and its message counter (the frames carry a seq so the clients' ack path runs as on vpush). */
  private record Conn(ServerWebSocket ws, AtomicLong seq) {}

  BareServer(Map<String, Conn> users, int port) {
    this.users = users;
    this.port = port;
  }

  static java.util.function.Supplier<BareServer> factory(int port) {
    Map<String, Conn> shared = new java.util.concurrent.ConcurrentHashMap<>();
    return () -> new BareServer(shared, port);
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true))
        .webSocketHandler(this::onSocket)
        .requestHandler(this::onRequest);
    return server.listen();
  }

  /** The bound port (useful with port 0). */
  int actualPort() { return server.actualPort(); }

  private void onSocket(ServerWebSocket ws) {
    if (!WS_PATH.equals(ws.path())) {
      ws.close((short) 1008);
      return;
    }
    String[] user = {null};
    ws.textMessageHandler(text -> {
      JsonObject f = new JsonObject(text);
      String type = f.getString("type");
      String address = f.getString("address", "");
      if ("ping".equals(type)) {
        ws.writeTextMessage(PONG);
      } else if ("register".equals(type) && address.startsWith("vpush.user.") && user[0] == null) {
        user[0] = address.substring("vpush.user.".length());
        users.put(user[0], new Conn(ws, new AtomicLong()));
        ws.writeTextMessage(new JsonObject().put("type", "rec").put("address", address)
            .put("body", new JsonObject().put("lastSeq", 0).put("node", "bare"))
            .put("headers", new JsonObject().put("control", "registered")).encode());
      }
      // acks and anything else: ignored, the bare server keeps nothing
    });
    ws.closeHandler(v -> {
      if (user[0] != null) users.computeIfPresent(user[0], (k, c) -> c.ws() == ws ? null : c);
    });
  }

  private void onRequest(HttpServerRequest req) {
    if (req.method() != HttpMethod.POST || !"/api/v1/messages".equals(req.path())) {
      req.response().setStatusCode(404).end();
      return;
    }
    req.body().onSuccess(buf -> {
      JsonObject msg = buf.toJsonObject();
      Object payload = msg.getValue("payload");
      long ts = System.currentTimeMillis();
      String id = Long.toHexString(System.nanoTime());
      JsonArray many = msg.getJsonArray("users");
      if (many == null) {
        long seq = deliver(msg.getString("user"), payload, id, ts);
        req.response().setStatusCode(202).end(new JsonObject().put("id", id).put("seq", seq).encode());
      } else {
        JsonArray results = new JsonArray();
        for (Object u : many) results.add(new JsonObject().put("user", u).put("seq", deliver((String) u, payload, id, ts)));
        req.response().setStatusCode(202).end(new JsonObject().put("id", id).put("results", results).encode());
      }
    }).onFailure(e -> req.response().setStatusCode(400).end());
  }

  private long deliver(String user, Object payload, String id, long ts) {
    Conn c = user == null ? null : users.get(user);
    if (c == null) return 0;
    long seq = c.seq().incrementAndGet();
    c.ws().writeTextMessage(new JsonObject().put("type", "rec").put("address", "vpush.user." + user)
        .put("body", payload).put("headers", new JsonObject().put("id", id).put("seq", Long.toString(seq))
            .put("ts", Long.toString(ts))).encode());
    return seq;
  }

  /** Runs the bare server as its own process: {@code --port P [--instances N]}; prints {@code LISTENING <port>}. */
  public static void main(String[] args) {
    QuietLogs.apply();
    BenchOptions o = BenchOptions.parse(args);
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    int instances = o.integer("instances", Runtime.getRuntime().availableProcessors());
    int port = o.integer("port", 0);
    if (port == 0) port = FreePorts.free();
    vertx.deployVerticle(factory(port), new io.vertx.core.DeploymentOptions().setInstances(instances)).await();
    System.out.println("LISTENING " + port);
    System.out.flush();
  }
}
