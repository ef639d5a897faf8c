package io.vpush.access;

import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vpush.http.HttpJson;
import io.vpush.protocol.CloseCodes;
import io.vpush.limit.NodeRate;
import io.vpush.vertx.VertxInternals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The client endpoints of one event loop: raw WebSocket at {@code /eventbus/websocket} (on a plain Netty pipeline, see
 * {@link NettyWebSocketUpgrade}) and SockJS at {@code /eventbus} (its WebSocket transport framed by vpush, the polling
 * transports by vertx-web). vpush owns the socket handling (not the stock SockJS bridge, which makes a clustered
 * consumer per register) and speaks the same frames.
 */
public final class AccessEndpoints {

  /** Where the raw WebSocket (the stock event-bus bridge client's endpoint) is upgraded. */
  public static final String RAW_WEBSOCKET_PATH = "/eventbus/websocket";

  private final Shard shard;
  private final ClientFrameHandler frames;
  private final NodeRate connections;
  private final NettyWebSocketUpgrade upgrade;
  private final int maxMessageBytes;

  /** @param connections the node's rate of new client connections: past it a handshake is answered 429 */
  AccessEndpoints(Shard shard, ClientFrameHandler frames, NodeRate connections) {
    this.shard = shard;
    this.frames = frames;
    this.connections = connections;
    this.maxMessageBytes = shard.settings().codecMaxBytes();
    this.upgrade = new NettyWebSocketUpgrade(maxMessageBytes);
  }

  void mount(Vertx vertx, Router router) {
    // Before every transport: a page of another origin must not open a connection with its user's cookies or token.
    router.route("/eventbus/*").handler(this::checkOrigin);
    router.route(RAW_WEBSOCKET_PATH).handler(ctx -> {
      if (upgradeRefused(ctx, "expected a WebSocket upgrade", "websocket")) return;
      String query = ctx.request().query();
      upgrade.upgrade(ctx.request(), channel -> acceptWebSocket(channel, query));
    });
    router.route("/eventbus/:server/:session/websocket").handler(ctx -> {
      if (upgradeRefused(ctx, "Can \"Upgrade\" only to \"WebSocket\".", "sockjs")) return;
      // The socket under it: the WebSocket Vert.x hands over is a wrapper that does not give it.
      Channel channel = VertxInternals.channel(ctx.request().connection());
      ctx.request().toWebSocket().onSuccess(ws -> acceptSockJsWebSocket(ws, channel)).onFailure(e -> {
        if (!ctx.response().headWritten() && !ctx.response().closed()) {
          HttpJson.error(ctx, 400, "bad_request", "the WebSocket handshake failed: " + e.getMessage());
        }
      });
    });
    limitNewSockJsSessions(vertx, router);
    // The polling transports' sends (xhr_send, jsonp_send) read their body through a BodyHandler: without one they
    // answered 500. Bounded by twice a WebSocket message (SockJS escapes each message into a JSON string, which may
    // double it, more for control characters): a larger body is 413 before it is held.
    router.route(HttpMethod.POST, "/eventbus/*")
        .handler(BodyHandler.create(false).setBodyLimit(2L * maxMessageBytes));
    router.routeWithRegex(HttpMethod.POST, "/eventbus/[^/]+/[^/]+/(?:xhr_send|jsonp_send)").handler(AccessEndpoints::checkSockJsSend);
    SockJSHandlerOptions options = new SockJSHandlerOptions().setRegisterWriteHandler(false);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, options).socketHandler(this::acceptSockJs));
  }

  private void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (shard.settings().origins.allows(origin, ctx.request().getHeader("Host"))) {
      ctx.next();
    } else {
      // The Origin is not echoed: it is the caller's text, up to the HTTP head's limit.
      HttpJson.error(ctx, 403, "forbidden", "this page's origin is not allowed to connect (http.allowedOrigins)");
    }
  }

  /**
   * Refuses what must not become a WebSocket with its 4xx: not an upgrade, an upgrade without a key (Netty's handshaker
   * throws on it once the connection is taken over, when no HTTP answer can be given), or one over the node's rate of
   * new connections; true when it did.
   */
  private boolean upgradeRefused(RoutingContext ctx, String notAnUpgrade, String transport) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      HttpJson.error(ctx, 400, "bad_request", notAnUpgrade);
      return true;
    }
    if (ctx.request().getHeader("Sec-WebSocket-Key") == null) {
      HttpJson.error(ctx, 400, "bad_request", "a WebSocket upgrade needs a Sec-WebSocket-Key header");
      return true;
    }
    return refusedByRate(ctx, transport);
  }

  /**
   * A polling send must carry a JSON array of strings: SockJS answers anything else with a 500 (and vertx-web's
   * session throws on a {@code null} in the array), which is the client's mistake here: 400 with the reason.
   */
  private static void checkSockJsSend(RoutingContext ctx) {
    String payload = ctx.body().asString();
    String type = ctx.request().getHeader("Content-Type");
    if (ctx.request().path().endsWith("/jsonp_send") && type != null && type.startsWith("application/x-www-form-urlencoded")) {
      payload = ctx.request().getFormAttribute("d");
      if (payload == null) payload = formField(ctx.body().asString(), "d");
    }
    if (payload == null || payload.isEmpty()) {
      HttpJson.error(ctx, 400, "bad_frame", "Payload expected.");
    } else if (!payload.stripLeading().startsWith("[") || SockJsWebSocketTransport.messages(payload) == null) {
      HttpJson.error(ctx, 400, "bad_frame", "Broken JSON encoding.");
    } else {
      ctx.next();
    }
  }

  private static String formField(String body, String name) {
    if (body == null) return null;
    return QueryParams.get(body, name);
  }

  // --- hostile rates: new connections per second, node-wide ---

  /** The polling and streaming transports whose request opens a session when its id is new. */
  private static final Set<String> OPENING_TRANSPORTS = Set.of("xhr", "xhr_streaming", "eventsource",
      "htmlfile", "jsonp");
  /**
   * vertx-web's SockJS session table (SockJSImpl, BaseTransport.getSession, vertx-web 5.0.5): the one place that
   * knows whether a polling request's session id is new, so a new session is refused before it is made.
   */
  private static final String SOCKJS_SESSIONS = "_vertx.sockjssessions";

  /** Answers a new connection over the node's rate with 429 + Retry-After; true when it did. */
  private boolean refusedByRate(RoutingContext ctx, String transport) {
    long retryAfter = connections.admit(transport);
    if (retryAfter == 0) return false;
    HttpJson.rateLimited(ctx, retryAfter, connections.refusal(retryAfter));
    return true;
  }

  /** A polling request that would open a new SockJS session counts against the node's connection rate. */
  private void limitNewSockJsSessions(Vertx vertx, Router router) {
    LocalMap<String, Object> sessions = vertx.sharedData().getLocalMap(SOCKJS_SESSIONS);
    router.route("/eventbus/:server/:session/:transport").handler(ctx -> {
      boolean opens = OPENING_TRANSPORTS.contains(ctx.pathParam("transport"))
          && ctx.request().method() != HttpMethod.OPTIONS
          && !sessions.containsKey(ctx.pathParam("session"));
      if (opens && refusedByRate(ctx, "sockjs")) return;
      ctx.next();
    });
  }

  private NettyWebSocket acceptWebSocket(Channel channel, String query) {
    NettyWebSocket socket = new NettyWebSocket(channel, shard.context(), query, frames);
    socket.session(new Session(shard, socket));
    return socket;
  }

  private void acceptSockJsWebSocket(ServerWebSocket ws, Channel channel) {
    Session session = new Session(shard, new SockJsWebSocketTransport(ws, channel, shard));
    ws.textMessageHandler(text -> {
      List<String> messages = SockJsWebSocketTransport.messages(text);
      if (messages == null) {
        // Not SockJS framing: a broken client. SockJS closes with 2011 for that; vpush uses its policy code.
        session.close(CloseCodes.POLICY, "broken SockJS framing", "bad_frame");
        return;
      }
      for (String m : messages) frames.handle(session, m);
    });
    WebSocketViolations.install(channel.pipeline(), corrupt -> {
      short code = (short) corrupt.closeStatus().code();
      session.close(code, corrupt.closeStatus().reasonText(), code == CloseCodes.TOO_LARGE ? "too_large" : "bad_frame");
    });
    ws.exceptionHandler(e -> session.closed());
    ws.closeHandler(v -> session.closed());
  }

  private void acceptSockJs(SockJSSocket socket) {
    Session session = new Session(shard, new SockJsTransport(socket));
    // Polling transports may deliver on another request's event loop: hop back to the session's.
    socket.handler(buf -> session.onContext(() -> frames.handle(session, buf.toString(StandardCharsets.UTF_8))));
    socket.closeHandler(v -> session.onContext(session::closed));
    socket.exceptionHandler(e -> session.onContext(session::closed));
  }
}
