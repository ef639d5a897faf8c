package io.vpush.vertx;

import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails loudly when a Vert.x upgrade changes what {@link VertxInternals} relies on: the names of Vert.x's handlers in an
 * HTTP/1 connection's pipeline (the connection guard goes before one of them, the raw WebSocket upgrade removes them),
 * the channel under a connection, contexts on a given loop, and promises answered on the caller's context.
 */
class VertxInternalsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anHttp1ConnectionsPipelineHasTheHandlerNamesVpushUses() throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .connectionHandler(c -> {
          Channel channel = VertxInternals.channel(c);
          names.complete(channel == null ? List.of() : channel.pipeline().names());
        })
        .requestHandler(r -> r.response().end("ok"));
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    HttpClient client = vertx.createHttpClient();
    client.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(r -> r.send()).await(10, TimeUnit.SECONDS);
    List<String> pipeline = names.get(10, TimeUnit.SECONDS);
    assertThat(pipeline).as("Vert.x's HTTP/1 pipeline (VertxInternals.HTTP_HANDLER, HTTP1_HANDLERS)")
        .contains(VertxInternals.HTTP_HANDLER, "httpDecoder", "httpEncoder");
    assertThat(VertxInternals.HTTP1_HANDLERS).as("every handler Vert.x put in this pipeline is one the upgrade knows")
        .containsAll(pipeline.stream().filter(n -> !n.contains("#")).toList()); // "Foo#0": Netty-named, not Vert.x's HTTP handlers
  }

  @Test
  void aContextOnAGivenLoopRunsOnThatLoopAndAPromiseAnswersOnItsCaller() throws Exception {
    Context some = vertx.getOrCreateContext();
    Context onSameLoop = VertxInternals.contextOn(vertx, VertxInternals.eventLoop(some));
    assertThat(onSameLoop).isNotSameAs(some);
    CompletableFuture<Boolean> sameThread = new CompletableFuture<>();
    some.runOnContext(v -> {
      Thread t = Thread.currentThread();
      onSameLoop.runOnContext(w -> sameThread.complete(Thread.currentThread() == t));
    });
    assertThat(sameThread.get(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> answeredOnCaller = new CompletableFuture<>();
    some.runOnContext(v -> {
      Promise<String> p = VertxInternals.promiseOnCaller();
      p.future().onComplete(ar -> answeredOnCaller.complete(Vertx.currentContext() == some));
      onSameLoop.runOnContext(w -> p.complete("x"));
    });
    assertThat(answeredOnCaller.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
