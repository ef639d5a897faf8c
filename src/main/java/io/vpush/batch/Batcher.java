package io.vpush.batch;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vpush.vertx.VertxInternals;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the calls made on one event loop into batches, each sent by one call: a batch leaves when its window ends
 * (the end of the current turn, or a timer), when it reaches its maximum count or weight, or when flushed. Each caller
 * gets its own answer on its own context. Every place that batches uses one of these, held as a field of the object
 * that owns the loop; it is not thread-safe: every method runs on the batcher's event loop.
 *
 * @param <I> what a caller hands in
 * @param <O> what a caller gets back
 */
public final class Batcher<I, O> {

  /** Sends one batch and answers each of its items exactly once ({@link Answers}). */
  @FunctionalInterface
  public interface Sender<I, O> {
    void send(List<I> items, Answers<O> answers);
  }

  private final Context context;
  private final BatchLimits limits;
  private final Sender<I, O> sender;
  private List<I> items = new ArrayList<>();
  private List<Promise<O>> waiting = new ArrayList<>();
  private long weight;
  /** Counts batches; a window's timer sends only the batch it was set for. */
  private long generation;

  public Batcher(Context context, BatchLimits limits, Sender<I, O> sender) {
    this.context = context;
    this.limits = limits;
    this.sender = sender;
  }

  /** Queues an item of weight 0. */
  public Future<O> add(I item) {
    return add(item, 0);
  }

  /**
   * Queues an item: a batch that this item's {@code weight} would take past the maximum leaves first (a single item
   * heavier than the maximum leaves alone). Returns the item's answer, completed on the caller's context.
   */
  public Future<O> add(I item, long weight) {
    Promise<O> answer = VertxInternals.promiseOnCaller();
    queue(item, weight, answer);
    return answer.future();
  }

  /** Queues an item nobody waits for (its answer is dropped). */
  public void offer(I item, long weight) {
    queue(item, weight, null);
  }

  private void queue(I item, long itemWeight, Promise<O> answer) {
    if (!items.isEmpty() && weight + itemWeight > limits.maxWeight()) flush();
    if (items.isEmpty()) openWindow();
    items.add(item);
    waiting.add(answer);
    weight += itemWeight;
    if (items.size() >= limits.maxItems() || weight >= limits.maxWeight()) flush();
  }

  private void openWindow() {
    long batch = generation;
    if (limits.windowMs() == 0) {
      context.runOnContext(v -> flushIf(batch));
    } else {
      // Vert.x runs a timer on the context that set it: on another context of this loop it hops here first.
      context.owner().setTimer(limits.windowMs(), id -> {
        if (io.vertx.core.Vertx.currentContext() == context) flushIf(batch);
        else context.runOnContext(v -> flushIf(batch));
      });
    }
  }

  private void flushIf(long batch) {
    if (batch == generation) flush();
  }

  /** Sends what is queued now. */
  public void flush() {
    if (items.isEmpty()) return;
    List<I> sent = items;
    List<Promise<O>> answered = waiting;
    items = new ArrayList<>();
    waiting = new ArrayList<>();
    weight = 0;
    generation++;
    sender.send(sent, new Answers<>(answered));
  }

  /** How many items are queued. */
  public int queued() {
    return items.size();
  }

  /** The answers of one batch, by item index. */
  public static final class Answers<O> {

    private final List<Promise<O>> promises;

    Answers(List<Promise<O>> promises) {
      this.promises = promises;
    }

    public int size() {
      return promises.size();
    }

    /** Answers item {@code i}. */
    public void answer(int i, AsyncResult<O> result) {
      Promise<O> p = promises.get(i);
      if (p != null) p.handle(result);
    }

    /** Answers item {@code i} with a value. */
    public void complete(int i, O value) {
      Promise<O> p = promises.get(i);
      if (p != null) p.complete(value);
    }

    /** Answers every item with the list's value at its index, or every item with the failure. */
    public void each(Future<List<O>> results) {
      results.onComplete(ar -> {
        for (int i = 0; i < promises.size(); i++) {
          if (ar.succeeded()) complete(i, ar.result().get(i));
          else fail(i, ar.cause());
        }
      });
    }

    /** Answers every item alike with {@code result}'s outcome (a value of null on success). */
    public void all(Future<?> result) {
      result.onComplete(ar -> {
        for (int i = 0; i < promises.size(); i++) {
          if (ar.succeeded()) complete(i, null);
          else fail(i, ar.cause());
        }
      });
    }

    /** Answers item {@code i} with a failure. */
    public void fail(int i, Throwable cause) {
      Promise<O> p = promises.get(i);
      if (p != null) p.fail(cause);
    }
  }
}
