package io.vpush.access;

import io.vertx.core.Future;
import io.vpush.auth.TokenClaims;
import io.vpush.auth.TokenVerifier;
import io.vpush.dispatch.Dispatcher;
import io.vpush.dispatch.Kick;
import io.vpush.protocol.Addresses;
import io.vpush.protocol.ClientFrame;
import io.vpush.protocol.CloseCodes;
import io.vpush.protocol.ErrorCode;
import io.vpush.protocol.ServerFrames;

/**
 * Opens a user stream on a session: checks the token, replaces an older connection of the same client,
 * finds where the client left off, and starts the catch-up (protocol.md section 5).
 */
final class Registrar {

  /** The longest {@code instance} header a register may carry. */
  static final int MAX_INSTANCE_LENGTH = 64;

  private final TokenVerifier tokens;
  private final Dispatcher dispatcher;
  private final Shards shards;

  Registrar(TokenVerifier tokens, Dispatcher dispatcher, Shards shards) {
    this.tokens = tokens;
    this.dispatcher = dispatcher;
    this.shards = shards;
  }

  void register(Session session, ClientFrame frame, String userId) {
    if (!session.isOpen()) {
      session.write(ServerFrames.error(frame.address(), ErrorCode.ACCESS_DENIED, "this connection already has a user stream"));
      return;
    }
    Long lastSeq;
    try {
      lastSeq = parseLastSeq(frame.header("lastSeq"));
    } catch (NumberFormatException e) {
      session.write(ServerFrames.error(frame.address(), ErrorCode.BAD_FRAME, "lastSeq must be a non-negative integer"));
      return;
    }
    String token;
    try {
      token = frame.header("token") != null ? frame.header("token") : session.transport().queryParam("token");
    } catch (IllegalArgumentException e) {
      // ?token=%zz: not URL-encoding. Refused at once like any bad token, not left to the auth timeout.
      reject(session, frame.address(), "invalid or expired token");
      return;
    }
    String instance = frame.header("instance");
    if (instance != null && (instance.isBlank() || instance.length() > MAX_INSTANCE_LENGTH)) {
      session.write(ServerFrames.error(frame.address(), ErrorCode.BAD_FRAME, "instance must be 1 to " + MAX_INSTANCE_LENGTH + " characters"));
      return;
    }
    session.markRegistering();
    String device = orDefault(frame.header("device"), "default");
    String clientId = orDefault(frame.header("clientId"), session.connectionId());
    // The register's age: it replaces only connections of the client that registered before this moment.
    Kick replacing = Kick.replacing(userId, clientId, session.shard().clock().nowMs(), instance);

    tokens.verify(token)
        .compose(claims -> check(claims, userId, device))
        .onComplete(ar -> session.onContext(() -> {
          if (session.isClosed()) return;
          if (ar.failed()) {
            reject(session, frame.address(), ar.cause().getMessage());
            return;
          }
          open(session, replacing, device, ar.result(), lastSeq);
        }));
  }

  private void open(Session session, Kick replacing, String device, TokenClaims claims, Long lastSeq) {
    String userId = replacing.user();
    String clientId = replacing.clientId();
    // A newer connection of the same client replaces the older one, on whichever shard it is: out of its hub first,
    // so that the catch-up below and the older one's close cannot race over the route entry.
    Future<Void> replaced = shards.replace(replacing);
    // Then the kick: in a cluster it also tells every dispatching node about this register before the route
    // is written and the catch-up read (ClusterDispatcher's freshness rule). Standalone it completes at once.
    // It may arrive after a newer connection of the client registered there (it waited on the store, or the route
    // it followed was the older one's): the Kick's time leaves that one alone.
    Future<Integer> kicked = replaced.compose(v -> dispatcher.kick(replacing, false)).otherwise(0);
    Future<Long> cursor = kicked.compose(k -> lastSeq != null ? Future.succeededFuture(lastSeq) : session.shard().store().cursor(userId, clientId));
    // No lastSeq read here: control: registered takes it from the first catch-up page (Session.registered).
    cursor.onComplete(ar -> session.onContext(() -> {
      if (session.isClosed()) return;
      if (ar.failed()) {
        unavailable(session, userId, clientId);
        return;
      }
      session.registered(userId, clientId, device, claims, ar.result())
          .onFailure(e -> session.onContext(() -> unavailable(session, userId, clientId)));
    }));
  }

  /** The store did not answer: the session is OPEN again and the client may register again on this connection. */
  private static void unavailable(Session session, String userId, String clientId) {
    if (session.isClosed()) return; // closed while the store was asked: nobody to tell
    org.slf4j.LoggerFactory.getLogger(Registrar.class).warn("register failed, store unavailable user={} clientId={}", userId, clientId);
    session.markOpenAgain();
    session.write(ServerFrames.error(Addresses.user(userId), ErrorCode.UNAVAILABLE, "store unavailable, retry later"));
  }

  /**
   * Verifies a {@code vpush.refresh} token of a registered session: the same checks as its register's (signature,
   * exp, iss/aud, the session's user as {@code sub}, its device allowed); fails with a reason fit to show the client.
   */
  Future<TokenClaims> verifyRefresh(Session session, String token) {
    String userId = session.userId();
    String device = session.device();
    return tokens.verify(token).compose(claims -> check(claims, userId, device));
  }

  private static Future<TokenClaims> check(TokenClaims claims, String userId, String device) {
    if (!userId.equals(claims.subject())) return Future.failedFuture("token subject does not match the user");
    if (!claims.devices().isEmpty() && !claims.devices().contains(device)) {
      return Future.failedFuture("device type '" + device + "' is not allowed by the token");
    }
    return Future.succeededFuture(claims);
  }

  private void reject(Session session, String address, String reason) {
    // reason comes from TokenVerifier/check: fixed texts, never the token itself.
    org.slf4j.LoggerFactory.getLogger(Registrar.class).debug("register rejected conn={} address={}: {}", session.connectionId(), address, reason);
    session.write(ServerFrames.error(address, ErrorCode.ACCESS_DENIED, reason));
    session.close(CloseCodes.NOT_AUTHENTICATED, reason, "auth_failed");
  }

  private static Long parseLastSeq(String raw) {
    if (raw == null || raw.isEmpty()) return null;
    long v = Long.parseLong(raw.trim());
    if (v < 0) throw new NumberFormatException();
    return v;
  }

  private static String orDefault(String value, String def) {
    return value == null || value.isBlank() ? def : value;
  }
}
