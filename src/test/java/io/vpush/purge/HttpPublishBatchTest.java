package io.vpush.purge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vpush.ops.MeteredStore;
import io.vpush.metrics.Metrics;
import io.vpush.store.StoredMessage;
import io.vpush.store.memory.MemoryStore;
import io.vpush.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP door's publishes of one turn go to the store together; each request gets its own answer on its context. */
class HttpPublishBatchTest {

  private final Vertx vertx = Vertx.vertx();
  private final ManualClock clock = new ManualClock(1_000_000);
  private final Metrics metrics = new Metrics();
  private final MeteredStore store = new MeteredStore(new MemoryStore(clock, 100, 60), metrics.registry());
  private final RecordingDispatcher dispatcher = new RecordingDispatcher();
  private final Publisher publisher = new Publisher(store, dispatcher, metrics, clock, 60, 100);

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsOfOneTurnShareOneStoreCallAndEachGetsItsOwnAnswerOnItsOwnContext() throws Exception {
    // Each HTTP request has its own context, a duplicate of its event loop's.
    ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
    HttpPublishHandler batcher = new HttpPublishHandler(publisher, loop);
    Promise<List<JsonObject>> done = Promise.promise();
    loop.runOnContext(v -> {
      List<Future<JsonObject>> answers = new ArrayList<>();
      answers.add(onOwnContext(loop, () -> batcher.publish(request("alice", "a1"))));
      answers.add(onOwnContext(loop, () -> batcher.publish(request("bob", "b1"))));
      answers.add(onOwnContext(loop, () -> batcher.publish(request("alice", "a2"))));
      Future.all(answers).map(all -> all.<JsonObject>list()).onComplete(done);
    });
    List<JsonObject> answers = done.future().await(10, TimeUnit.SECONDS);

    assertThat(answers).extracting(a -> a.getString("id") + "=" + a.getLong("seq")).containsExactly("a1=1", "b1=1", "a2=2");
    assertThat(storeCalls("accept_all")).isEqualTo(1);
    assertThat(storeCalls("accept")).isZero();
    assertThat(dispatcher.dispatched).extracting(StoredMessage::id).containsExactly("a1", "b1", "a2");
    assertThat(metrics.registry().get("vpush_publish_duration").tag("door", "http").timer().count())
        .as("one publish duration per request").isEqualTo(3);

    // A later turn is a call of its own.
    JsonObject later = onOwnContext(loop, () -> batcher.publish(request("bob", "b2"))).await(10, TimeUnit.SECONDS);
    assertThat(later.getLong("seq")).isEqualTo(2);
    assertThat(storeCalls("accept_all") + storeCalls("accept")).isEqualTo(2);
  }

  private PublishRequest request(String user, String id) {
    return publisher.parse(new JsonObject().put("user", user).put("id", id).put("payload", new JsonObject()), null);
  }

  private long storeCalls(String op) {
    return metrics.registry().get("vpush_store_op_duration").tag("op", op).timer().count();
  }

  /** Makes the call on a new duplicate of {@code loop} and fails unless the answer comes back on that duplicate. */
  private static <T> Future<T> onOwnContext(ContextInternal loop, Supplier<Future<T>> call) {
    ContextInternal own = loop.duplicate();
    Promise<T> answer = Promise.promise();
    own.runOnContext(v -> call.get().onComplete(ar -> {
      if (Vertx.currentContext() != own) answer.fail(new AssertionError("answered on " + Vertx.currentContext()));
      else answer.handle(ar);
    }));
    return answer.future();
  }
}
