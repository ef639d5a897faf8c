package io.vpush.purge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.dispatch.Dispatcher;
import io.vpush.metrics.Metrics;
import io.vpush.protocol.ServerFrames;
import io.vpush.store.Accepted;
import io.vpush.store.NewMessage;
import io.vpush.store.PartialAcceptException;
import io.vpush.store.ScheduledMessage;
import io.vpush.store.Store;
import io.vpush.time.Clock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The meaning behind every publish door: accept into the store (only then answer), hand to dispatch, or queue
 * a scheduled message for the delay role. Doors differ only in how requests arrive and answers leave.
 */
public final class Publisher {

  private final Store store;
  private final Dispatcher dispatcher;
  private final Metrics metrics;
  private final Clock clock;
  private final long defaultTtlSeconds;
  private final int maxUsers;

  public Publisher(Store store, Dispatcher dispatcher, Metrics metrics, Clock clock, long defaultTtlSeconds, int maxUsers) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
    this.clock = clock;
    this.defaultTtlSeconds = defaultTtlSeconds;
    this.maxUsers = maxUsers;
  }

  /** Parses with this node's limits; throws {@link PublishException}. */
  public PublishRequest parse(JsonObject body, String generatedId) {
    return PublishRequest.parse(body, generatedId, defaultTtlSeconds, maxUsers);
  }

  /** Publishes a parsed request; the answer is the JSON of protocol.md section 9. */
  public Future<JsonObject> publish(PublishRequest request, String door) {
    long start = System.nanoTime();
    long now = clock.nowMs();
    Future<JsonObject> answer;
    if (request.topic() != null) {
      answer = publishTopic(request, now);
    } else if (request.scheduled(now)) {
      answer = schedule(request, now);
    } else {
      answer = accept(request, now, door);
    }
    return answer.onComplete(ar -> metrics.publishDuration(door, System.nanoTime() - start));
  }

  /**
   * Accepts messages already validated elsewhere (the Kafka door and the delay role), then dispatches them. When the
   * store refused some users ({@link PartialAcceptException}), the messages it did accept are dispatched all the same:
   * {@link #publishAll} answers their requests as accepted.
   */
  public Future<List<Accepted>> acceptAll(List<NewMessage> messages, String door) {
    Future<List<Accepted>> stored = messages.size() == 1
        ? store.accept(messages.get(0)).map(List::of)
        : store.acceptAll(messages);
    return stored.onComplete(ar -> {
      if (ar.succeeded()) {
        dispatchAll(ar.result(), door);
      } else if (ar.cause() instanceof PartialAcceptException partial) {
        dispatchAll(partial.accepted().stream().filter(Objects::nonNull).toList(), door);
      }
    });
  }

  /**
   * Publishes requests that arrived together (one read of a pipelining door): the messages of those to be accepted
   * now go to the store in one {@code acceptAll}, so Redis sees a few multi-user calls instead of one call per
   * request; topic and scheduled requests go on their own. Answers are in the requests' order. If the store fails,
   * every request of the shared call fails with it (none was acknowledged), except when it refused only some users:
   * then a request whose users were all accepted is answered as accepted.
   */
  public List<Future<JsonObject>> publishAll(List<PublishRequest> requests, String door) {
    if (requests.size() == 1) return List.of(publish(requests.get(0), door));
    long start = System.nanoTime();
    long now = clock.nowMs();
    List<Future<JsonObject>> answers = new ArrayList<>(requests.size());
    List<NewMessage> together = new ArrayList<>();
    List<Integer> firsts = new ArrayList<>();
    for (PublishRequest r : requests) {
      if (r.topic() != null || r.scheduled(now)) {
        answers.add(publish(r, door));
        firsts.add(-1);
      } else {
        answers.add(null);
        firsts.add(together.size());
        together.addAll(r.messages(now));
      }
    }
    if (together.isEmpty()) return answers;
    long grouped = firsts.stream().filter(f -> f >= 0).count();
    // One duration per request, as for a request published alone: the metric counts requests, whatever the door.
    Future<List<Accepted>> stored = acceptAll(together, door).onComplete(ar -> {
      long took = System.nanoTime() - start;
      for (long i = 0; i < grouped; i++) metrics.publishDuration(door, took);
    });
    for (int i = 0; i < requests.size(); i++) {
      int first = firsts.get(i);
      if (first < 0) continue;
      PublishRequest r = requests.get(i);
      int count = r.users().size();
      answers.set(i, stored.transform(ar -> {
        if (ar.succeeded()) return Future.succeededFuture(answer(r, ar.result().subList(first, first + count)));
        if (ar.cause() instanceof PartialAcceptException partial && partial.allAccepted(first, count)) {
          return Future.succeededFuture(answer(r, partial.accepted().subList(first, first + count)));
        }
        return Future.failedFuture(ar.cause());
      }));
    }
    return answers;
  }

  private Future<JsonObject> accept(PublishRequest request, long now, String door) {
    return acceptAll(request.messages(now), door).map(list -> answer(request, list));
  }

  /** The answer to one request from its accepted messages, in its users' order. */
  private static JsonObject answer(PublishRequest request, List<Accepted> list) {
    if (request.single()) return answer(list.get(0));
    JsonArray results = new JsonArray();
    for (Accepted a : list) results.add(answer(a).put("user", a.message().user()));
    return new JsonObject().put("results", results);
  }

  private Future<JsonObject> schedule(PublishRequest request, long now) {
    List<Future<Void>> queued = new ArrayList<>();
    for (NewMessage m : request.messages(now)) queued.add(store.schedule(new ScheduledMessage(m, request.deliverAt())));
    return Future.all(queued).map(v -> {
      JsonObject one = new JsonObject().put("id", request.id()).put("deliverAt", request.deliverAt());
      if (request.single()) return one;
      JsonArray results = new JsonArray();
      for (String u : request.users()) results.add(one.copy().put("user", u));
      return new JsonObject().put("results", results);
    });
  }

  private Future<JsonObject> publishTopic(PublishRequest request, long now) {
    String frame = ServerFrames.topicMessage(request.topic(), request.id(), now, request.payload());
    return dispatcher.publishTopic(request.topic(), frame).map(v -> new JsonObject().put("id", request.id()).put("topic", request.topic()));
  }

  private void dispatchAll(List<Accepted> accepted, String door) {
    int fresh = 0;
    for (Accepted a : accepted) {
      if (a.duplicate()) metrics.duplicate(door);
      else fresh++;
      // Duplicates are dispatched too: the first attempt may have crashed before handing on; sessions drop seen seqs.
      dispatcher.dispatch(a.message()).onFailure(e -> metrics.problem("warn", "dispatch"));
    }
    metrics.accepted(door, fresh);
  }

  private static JsonObject answer(Accepted a) {
    JsonObject o = new JsonObject().put("id", a.message().id()).put("seq", a.message().seq());
    if (a.duplicate()) o.put("duplicate", true);
    return o;
  }
}
