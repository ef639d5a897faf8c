package io.vpush.http;

import io.vpush.http.HttpJson;
import io.vpush.metrics.Metrics;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the HTTP port answers is JSON {@code {"error","message"}}, also the ones Vert.x would answer bare (a
 * request line too long, a head that does not parse, a path with a broken escape); a client's mistake is a DEBUG line
 * and a count in {@code vpush_http_client_errors_total{status}}, never an ERROR with a stack trace. Only a failure of
 * vpush's own (a 500) is logged as an ERROR.
 */
public final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  private final Metrics metrics;
  private final java.util.Set<String> ownQueries;

  /**
   * @param ownQueries paths whose routes read a broken query themselves (the raw WebSocket endpoint answers a
   *     {@code ?token=%zz} with access_denied and 4001, as protocol.md says); every other broken query is a 400 here
   */
  public HttpErrors(Metrics metrics, java.util.Set<String> ownQueries) {
    this.metrics = metrics;
    this.ownQueries = ownQueries;
  }

  /**
   * Wraps the router: a request whose path has a broken percent escape ({@code %zz}) is answered 400 here, before
   * Vert.x-web's path normalisation throws on it and logs an ERROR for each such request.
   */
  public Handler<HttpServerRequest> guard(Router router) {
    return request -> {
      if (!hasValidEscapes(request.path()) || (!ownQueries.contains(request.path()) && !hasValidEscapes(request.query()))) {
        answer(request, 400, "bad_request", "the URI has a broken percent escape");
      } else {
        router.handle(request);
      }
    };
  }

  /** For {@code HttpServer.invalidRequestHandler}: a head that did not decode gets the status Vert.x would give, as JSON. */
  public void invalidRequest(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    if (cause instanceof TooLongHttpLineException) {
      answer(request, 414, "uri_too_long", "the request line is longer than the server takes").onComplete(v -> closeAfter(request));
    } else if (cause instanceof TooLongHttpHeaderException) {
      answer(request, 431, "headers_too_large", "the request headers are larger than the server takes").onComplete(v -> closeAfter(request));
    } else if (cause instanceof TooLongFrameException) {
      answer(request, 413, "too_large", "a part of the request is larger than the server takes").onComplete(v -> closeAfter(request));
    } else {
      answer(request, 400, "bad_request", "the request could not be parsed" + (cause == null ? "" : ": " + cause.getMessage())).onComplete(v -> closeAfter(request));
    }
  }

  /**
   * The router's answers to failures no route handled, as JSON with their status (413 has its own, naming the body
   * limit, in VPushNode).
   */
  public void mount(Router router) {
    // Last route: a failure no route answered, before vertx-web logs it as an ERROR with its stack trace.
    router.route().failureHandler(this::clientFailure);
    for (int status : new int[] {400, 404, 405, 406, 414, 415, 431, 500}) {
      router.errorHandler(status, this::failed);
    }
  }

  /**
   * The request broke while it was read (a chunk size that overflows, a body cut by the client, a broken escape in
   * a query): the client's doing, answered 400 if the answer can still be written, and never logged as an ERROR.
   * Anything else goes on to the error handlers.
   */
  private void clientFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (!isClientFailure(failure)) {
      ctx.next();
      return;
    }
    if (LOG.isDebugEnabled()) LOG.debug("{} {}: request broken by the client: {}", ctx.request().remoteAddress(), ctx.request().path(), failure.toString());
    if (ctx.response().closed() || ctx.response().ended()) return;
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    count(400);
    ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", "bad_request").put("message", "the request could not be read: " + failure.getMessage()).encode())
        .onComplete(v -> ctx.request().connection().close());
  }

  static boolean isClientFailure(Throwable failure) {
    return failure instanceof io.vertx.core.http.HttpClosedException
        || failure instanceof io.netty.handler.codec.DecoderException
        || failure instanceof NumberFormatException // Netty's chunk size parser
        || failure instanceof io.netty.handler.codec.PrematureChannelClosureException
        || (failure instanceof IllegalArgumentException && String.valueOf(failure.getMessage()).contains("escape"));
  }

  private void failed(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : (ctx.failure() instanceof IllegalArgumentException ? 400 : 500);
    // Vert.x-web has logged an exception that no route handled (a vpush bug) already.
    if (status >= 500) metrics.problem("error", "http");
    if (ctx.response().ended() || ctx.response().closed()) return;
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    HttpJson.error(ctx, status, reason(status), message(status, ctx.failure()));
    count(status);
  }

  /** What follows a request that did not decode (or a version we do not speak) cannot be trusted to be a request. */
  private static void closeAfter(HttpServerRequest request) {
    request.connection().close();
  }

  private Future<Void> answer(HttpServerRequest request, int status, String error, String message) {
    count(status);
    if (LOG.isDebugEnabled()) LOG.debug("{} answered {} {}: {}", request.remoteAddress(), status, error, message);
    if (request.response().ended() || request.response().closed()) return Future.succeededFuture();
    return request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", error).put("message", message).encode());
  }

  private void count(int status) {
    if (status < 500) metrics.httpClientError(status);
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      case 413 -> "too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      default -> status >= 500 ? "internal_error" : "bad_request";
    };
  }

  private static String message(int status, Throwable failure) {
    if (status >= 500) return "internal error";
    if (status == 404) return "no such route";
    if (status == 405) return "method not allowed on this route";
    return failure != null && failure.getMessage() != null ? failure.getMessage() : "the request was refused";
  }

  /** Whether every {@code %} of {@code path} (a path or a whole URI) starts an escape of two hex digits. */
  static boolean hasValidEscapes(String path) {
    if (path == null) return true;
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
