package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The HTTP door: {@code POST /api/v1/messages} with the API key, one message per request, expecting 202. */
final class HttpPublisher implements Publisher {

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestOptions request;

  HttpPublisher(Vertx vertx, String host, int port, String apiKey, int connections) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.request = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
        .setURI("/api/v1/messages").putHeader("Authorization", "Bearer " + apiKey)
        .putHeader("Content-Type", "application/json");
  }

  @Override
  public String door() { return "http"; }

  @Override
  public Future<Void> toUser(String user, JsonObject payload) {
    return post(Publisher.userBody(user, payload));
  }

  @Override
  public Future<Void> toUsers(List<String> users, JsonObject payload) {
    return post(Publisher.usersBody(users, payload));
  }

  private Future<Void> post(JsonObject body) {
    Buffer buf = body.toBuffer();
    if (Vertx.currentContext() != null) return send(buf);
    // Called from a scenario's own thread, the chain below would be built while the request runs on an event loop:
    // a response whose end came before resp.body() was called left body() waiting forever (a reconnect round hung
    // in 3 of 34 runs). On an event-loop context each step is set up in the tick that completes the one before.
    Promise<Void> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> send(buf).onComplete(done));
    return done.future();
  }

  private Future<Void> send(Buffer buf) {
    return client.request(request)
        .compose(req -> req.send(buf))
        .compose(resp -> resp.body().compose(b -> resp.statusCode() == 202
            ? Future.succeededFuture()
            : Future.failedFuture("HTTP " + resp.statusCode() + ": " + b)));
  }

  @Override
  public Future<Void> close() { return client.close(); }
}
