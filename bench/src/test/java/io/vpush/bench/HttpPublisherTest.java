package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP door of the load generator, called from a scenario's own thread (not a Vert.x one), as the reconnect
 * scenario publishes: every publish must be answered. Built off the event loop, the request/response chain missed
 * the end of a fast response about once in a few hundred publishes and waited forever.
 */
class HttpPublisherTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void everyPublishFromANonVertxThreadIsAnswered() {
    HttpServer server = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> req.response().setStatusCode(202).end("{\"id\":\"x\",\"seq\":1}")));
    int port = server.listen(0, "127.0.0.1").await().actualPort();
    HttpPublisher publisher = new HttpPublisher(vertx, "127.0.0.1", port, "key", 2);
    JsonObject payload = new JsonObject().put("t", 1);
    int answered = 0;
    for (int i = 0; i < 3_000; i++) {
      try {
        publisher.toUser("u" + i, payload).timeout(5, TimeUnit.SECONDS).await();
        answered++;
      } catch (Exception e) { // await rethrows the timeout as it is, a checked exception
        break; // a publish left unanswered: the count below says which one
      }
    }
    assertThat(answered).as("publishes answered, in order, before the first one that was not").isEqualTo(3_000);
  }
}
