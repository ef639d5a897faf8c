package io.vpush.purge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP door's publishes of one event loop's turn, published together ({@link Publisher#publishAll}), the way the
 * TCP bridge publishes what one read brought. One request per publish was one store call per publish: on Redis a
 * script call each, where the requests one turn handles now share a few multi-user calls. Each request gets its own
 * answer, on its own context; if the store fails, every request of the shared call fails with it (none was acknowledged).
 */
final class HttpPublishBatcher {

  /** Requests published together at most; what a turn brings beyond it leaves in further calls. */
  static final int MAX_PER_BATCH = 256;

  private final Context context;
  private final Publisher publisher;
  private List<PublishRequest> requests = new ArrayList<>();
  private List<Promise<JsonObject>> answers = new ArrayList<>();

  HttpPublishBatcher(Context context, Publisher publisher) {
    this.context = context;
    this.publisher = publisher;
  }

  /**
   * Queues a parsed request; it is published at the end of this turn. On the batcher's event loop only, from any of
   * its contexts (each HTTP request has its own).
   */
  Future<JsonObject> publish(PublishRequest request) {
    if (requests.isEmpty()) context.runOnContext(v -> flush());
    requests.add(request);
    // Answered on the request's own context, which is on this thread: no task per answer to hop back to it.
    Promise<JsonObject> answer = ((ContextInternal) Vertx.currentContext()).promise();
    answers.add(answer);
    if (requests.size() >= MAX_PER_BATCH) flush();
    return answer.future();
  }

  private void flush() {
    if (requests.isEmpty()) return;
    List<PublishRequest> sent = requests;
    List<Promise<JsonObject>> waiting = answers;
    requests = new ArrayList<>();
    answers = new ArrayList<>();
    List<Future<JsonObject>> results = publisher.publishAll(sent, "http");
    for (int i = 0; i < results.size(); i++) results.get(i).onComplete(waiting.get(i));
  }
}
