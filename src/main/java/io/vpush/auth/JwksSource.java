package io.vpush.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vpush.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node's JWKS: fetched over HTTP(S) with Vert.x's client (never blocking an event loop), refreshed on a
 * {@link JwksSchedule}, bounded in time ({@code jwt.jwksTimeoutMs}) and size ({@code jwt.jwksMaxBytes}). A good
 * fetch hands its keys to the listener; a failed one is logged and counted, and the last good keys stay in use.
 */
final class JwksSource {

  private static final Logger LOG = LoggerFactory.getLogger(JwksSource.class);

  private final Vertx vertx;
  private final String url;
  private final String shown; // the URL as logged: no user info, no query (either may carry a credential)
  private final long timeoutMs;
  private final int maxBytes;
  private final Set<String> configuredKids;
  private final Consumer<List<JsonObject>> onKeys;
  private final Metrics metrics; // null in unit tests without meters
  private final HttpClient client;
  private final JwksSchedule schedule;
  // Guarded by this: verify() runs on every event loop.
  private Future<Void> inFlight;
  private long timer = -1;
  private boolean closed;
  private volatile long lastGoodNanos;
  private volatile boolean everGood;
  private volatile List<String> lastKids = List.of();

  JwksSource(Vertx vertx, String url, long refreshSeconds, long minIntervalSeconds, long timeoutMs, int maxBytes,
             Set<String> configuredKids, Consumer<List<JsonObject>> onKeys, Metrics metrics) {
    this.vertx = vertx;
    this.url = url;
    java.net.URI uri = java.net.URI.create(url);
    this.shown = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getRawPath();
    this.timeoutMs = timeoutMs;
    this.maxBytes = maxBytes;
    this.configuredKids = configuredKids;
    this.onKeys = onKeys;
    this.metrics = metrics;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeoutMs).setIdleTimeout((int) timeoutMs)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setKeepAlive(false));
    this.schedule = new JwksSchedule(TimeUnit.SECONDS.toNanos(refreshSeconds), TimeUnit.SECONDS.toNanos(minIntervalSeconds));
  }

  /** Starts the first fetch and the periodic refresh; the node does not wait for it (see docs/configuration.md). */
  void start() {
    refresh().onComplete(ar -> scheduleNext());
  }

  /** Fetches now, or joins the fetch under way; completes (never fails) when it ends. */
  synchronized Future<Void> refresh() {
    if (closed) return Future.succeededFuture();
    if (inFlight != null) return inFlight;
    schedule.started(System.nanoTime());
    Future<Void> f = fetch()
        .map(body -> JwksDocument.parse(body, configuredKids))
        .map(doc -> {
          if (!doc.skipped().isEmpty()) LOG.warn("JWKS {}: skipped {}", shown, doc.skipped());
          List<String> kids = doc.keys().stream().map(k -> String.valueOf(k.getValue("kid"))).toList();
          if (!kids.equals(lastKids)) LOG.info("JWKS {}: {} keys in use, kids {}", shown, kids.size(), kids);
          lastKids = kids;
          onKeys.accept(doc.keys());
          lastGoodNanos = System.nanoTime();
          everGood = true;
          return true;
        })
        .otherwise(e -> {
          LOG.warn("JWKS {} fetch failed, {}: {}", shown, everGood ? "the last good keys stay in use" : "no JWKS key loaded yet", e.getMessage());
          return false;
        })
        .map(ok -> {
          ended(ok);
          return null;
        });
    // A fetch that failed at once (completed inline, ended() ran already) is not left behind as "in flight".
    if (!f.isComplete()) inFlight = f;
    return f;
  }

  /**
   * A token named a kid that no key has: fetch again unless a fetch started within {@code jwt.jwksMinIntervalSeconds};
   * completes when the keys are as fresh as this node will make them.
   */
  synchronized Future<Void> refreshForUnknownKid() {
    if (inFlight != null) return inFlight;
    if (!schedule.mayFetchForUnknownKid(System.nanoTime())) return Future.succeededFuture();
    return refresh();
  }

  /** Seconds since the last good fetch, or -1 before the first. */
  long ageSeconds() {
    return everGood ? TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lastGoodNanos) : -1;
  }

  synchronized void close() {
    closed = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    client.close();
  }

  private synchronized void ended(boolean ok) {
    inFlight = null;
    schedule.ended(ok);
    if (metrics != null) metrics.jwksFetch(ok);
  }

  private synchronized void scheduleNext() {
    if (closed) return;
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(schedule.nextDelay()));
    timer = vertx.setTimer(delayMs, id -> refresh().onComplete(ar -> scheduleNext()));
  }

  private Future<String> fetch() {
    Promise<String> result = Promise.promise();
    // One deadline for the whole exchange: connect, head and body (a server trickling bytes is cut off too).
    long deadline = vertx.setTimer(timeoutMs, id -> result.tryFail("no whole answer within " + timeoutMs + " ms"));
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).putHeader("Accept", "application/json"))
        .onFailure(result::tryFail)
        .onSuccess(request -> {
          result.future().onFailure(e -> request.reset());
          request.send().onFailure(result::tryFail).onSuccess(response -> {
            if (response.statusCode() != 200) {
              result.tryFail("HTTP " + response.statusCode());
              request.reset();
              return;
            }
            Buffer body = Buffer.buffer();
            response.exceptionHandler(result::tryFail);
            response.handler(chunk -> {
              if (body.length() + chunk.length() > maxBytes) {
                result.tryFail("larger than jwt.jwksMaxBytes (" + maxBytes + ")");
                return;
              }
              body.appendBuffer(chunk);
            });
            response.endHandler(v -> result.tryComplete(body.toString(StandardCharsets.UTF_8)));
          });
        });
    return result.future().andThen(ar -> vertx.cancelTimer(deadline));
  }
}
