package io.vpush.ops;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vpush.vertx.VertxInternals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * A health check that every event loop of the node answers: a task handed to each loop must run within a deadline.
 * A loop whose thread died (an {@code Error} thrown out of Netty's run loop ends it) or that is stuck in a long task
 * leaves its connections unserved, while the loop that answers the probe's HTTP request may still be fine: so the
 * check asks all of them, not just the one it runs on.
 */
public final class EventLoopsCheck {

  private final Vertx vertx;
  private final List<EventExecutor> loops = new ArrayList<>();
  private final long deadlineMs;

  /** @param deadlineMs how long each loop has to run the probe's task */
  public EventLoopsCheck(Vertx vertx, long deadlineMs) {
    this.vertx = vertx;
    this.deadlineMs = deadlineMs;
    for (EventExecutor e : VertxInternals.eventLoops(vertx)) loops.add(e);
  }

  /** The health-check procedure: completes with OK, or KO naming the loops that did not answer in time. */
  public void check(Promise<Status> status) {
    List<Future<Void>> answers = new ArrayList<>(loops.size());
    for (EventExecutor loop : loops) answers.add(answer(loop));
    Future.join(answers).onComplete(ar -> {
      JsonArray silent = new JsonArray();
      for (int i = 0; i < answers.size(); i++) {
        if (answers.get(i).failed()) silent.add(new JsonObject().put("loop", i).put("error", answers.get(i).cause().getMessage()));
      }
      status.tryComplete(silent.isEmpty()
          ? Status.OK(new JsonObject().put("loops", loops.size()))
          : Status.KO(new JsonObject().put("loops", loops.size()).put("notAnswering", silent)));
    });
  }

  private Future<Void> answer(EventExecutor loop) {
    Promise<Void> answered = Promise.promise();
    if (loop.isShuttingDown() || loop.isTerminated()) {
      // A loop that Vert.x did not shut down itself has lost its thread.
      answered.fail("event loop is " + (loop.isTerminated() ? "terminated" : "shutting down"));
      return answered.future();
    }
    long timer = vertx.setTimer(deadlineMs, id -> answered.tryFail("no answer within " + deadlineMs + " ms"));
    try {
      loop.execute(() -> {
        vertx.cancelTimer(timer);
        answered.tryComplete();
      });
    } catch (RejectedExecutionException e) {
      vertx.cancelTimer(timer);
      answered.tryFail("event loop refuses tasks: " + e.getMessage());
    }
    return answered.future();
  }
}
