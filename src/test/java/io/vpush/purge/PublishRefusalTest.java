package io.vpush.purge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vpush.metrics.Metrics;
import io.vpush.store.PartialAcceptException;
import io.vpush.store.redis.RedisStore;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.time.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishes that share one store call (a pipelining door's read, the HTTP door's turn) on a real Redis in which one
 * user's keys are unusable: only the requests naming that user fail.
 */
@NeedsRedis
class PublishRefusalTest {

  private static RedisServer redis;
  private static Vertx vertx;

  private final ManualClock clock = new ManualClock(1_000_000);
  private final RecordingDispatcher dispatcher = new RecordingDispatcher();

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
    if (redis != null) redis.stop();
  }

  @Test
  void onlyTheRequestsNamingARefusedUserFailAndTheOthersAreAnsweredAndDispatched() throws Exception {
    redis.flush();
    redis.call("SET", "{u:broken}:meta", "not a hash"); // every accept for this user meets WRONGTYPE
    RedisOptions options = new RedisOptions().setType(RedisClientType.STANDALONE).setConnectionString(redis.url());
    RedisStore store = RedisStore.connect(vertx, options, 2, 2_000, clock, 100, 60).await(10, TimeUnit.SECONDS);
    Publisher publisher = new Publisher(store, dispatcher, new Metrics(), clock, 60, 100);
    try {
      List<PublishRequest> requests = List.of(
          publisher.parse(new JsonObject().put("user", "ok1").put("id", "m1").put("payload", new JsonObject()), null),
          publisher.parse(new JsonObject().put("user", "broken").put("id", "m2").put("payload", new JsonObject()), null),
          publisher.parse(new JsonObject().put("users", new JsonArray().add("ok2").add("ok3")).put("id", "m3")
              .put("payload", new JsonObject()), null),
          publisher.parse(new JsonObject().put("users", new JsonArray().add("ok4").add("broken")).put("id", "m4")
              .put("payload", new JsonObject()), null));
      Promise<List<String>> outcomes = Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> Future.all(publisher.publishAll(requests, "http").stream()
              .map(f -> f.transform(ar -> Future.succeededFuture(ar.succeeded() ? ar.result().encode()
                  : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage())))
              .toList())
          .map(all -> all.<String>list()).onComplete(outcomes));
      List<String> answers = outcomes.future().await(10, TimeUnit.SECONDS);

      assertThat(answers.get(0)).isEqualTo("{\"id\":\"m1\",\"seq\":1}");
      assertThat(answers.get(1)).startsWith(PartialAcceptException.class.getSimpleName()).contains("broken", "WRONGTYPE");
      assertThat(answers.get(2)).isEqualTo(
          "{\"results\":[{\"id\":\"m3\",\"seq\":1,\"user\":\"ok2\"},{\"id\":\"m3\",\"seq\":1,\"user\":\"ok3\"}]}");
      assertThat(answers.get(3)).startsWith(PartialAcceptException.class.getSimpleName());
      // ok4 was stored all the same (a 5xx answer means "not acknowledged"), so it is handed on like the others.
      assertThat(dispatcher.dispatched).extracting(m -> m.user() + "/" + m.id())
          .containsExactlyInAnyOrder("ok1/m1", "ok2/m3", "ok3/m3", "ok4/m4");
    } finally {
      store.close().await(10, TimeUnit.SECONDS);
    }
  }
}
