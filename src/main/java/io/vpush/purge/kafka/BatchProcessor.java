package io.vpush.purge.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vpush.time.Backoff;
import io.vpush.metrics.Metrics;
import io.vpush.purge.PublishException;
import io.vpush.purge.PublishRequest;
import io.vpush.purge.Publisher;
import io.vpush.store.NewMessage;
import io.vpush.store.StoreUnavailableException;
import io.vpush.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Processes one batch of a partition's records in offset order: invalid records go to the DLQ, runs of plain
 * user messages are accepted with one {@code acceptAll} (the store keeps each user's messages in the order
 * given), topic and scheduled records go through {@code publish} one by one, each after the run before it.
 *
 * <p>A failure to reach the store or the broker is retried with backoff (100 ms doubling to 5 s) for as long
 * as the lane is still owned; the lane is marked stalled meanwhile, so its partition stays paused and its
 * commit does not move past the record. Re-accepting after a partial failure is safe: acceptance is
 * idempotent by id, so a record already accepted answers its first seq again.
 */
final class BatchProcessor {

  private static final Backoff RETRY = new Backoff(100, 5_000, 0);

  private final Vertx vertx;
  private final Publisher publisher;
  private final DeadLetters deadLetters;
  private final Metrics metrics;
  private final Clock clock;
  private final Consumer<PartitionLane> stalled;

  /** @param stalled hears (on each failed attempt) that a lane cannot make progress, to pause its partition */
  BatchProcessor(Vertx vertx, Publisher publisher, DeadLetters deadLetters, Metrics metrics, Clock clock,
                 Consumer<PartitionLane> stalled) {
    this.stalled = stalled;
    this.vertx = vertx;
    this.publisher = publisher;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Handles {@code batch}; {@code done} hears each finished offset; completes when all are finished. */
  Future<Void> process(PartitionLane lane, List<ConsumerRecord<String, byte[]>> batch, LongConsumer done) {
    long now = clock.nowMs();
    List<Future<Void>> all = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    List<Parsed> run = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : batch) {
      String id = IngestRecord.generatedId(r.topic(), r.partition(), r.offset());
      IngestRecord parsed = IngestRecord.of(r.value(), id, publisher::parse);
      if (parsed instanceof IngestRecord.Invalid invalid) {
        // Independent of user order: start at once; the offset waits in the tracker until the DLQ acked.
        all.add(deadLetter(lane, r, invalid, done));
      } else {
        PublishRequest request = ((IngestRecord.Valid) parsed).request();
        if (request.topic() == null && !request.scheduled(now)) {
          run.add(new Parsed(r, request));
        } else {
          List<Parsed> segment = List.copyOf(run);
          run.clear();
          chain = chain.compose(v -> acceptRun(lane, segment, now, done));
          chain = chain.compose(v -> publishOne(lane, new Parsed(r, request), done));
        }
      }
    }
    List<Parsed> last = List.copyOf(run);
    all.add(chain.compose(v -> acceptRun(lane, last, now, done)));
    return Future.all(all).mapEmpty();
  }

  private Future<Void> acceptRun(PartitionLane lane, List<Parsed> run, long now, LongConsumer done) {
    if (run.isEmpty()) return Future.succeededFuture();
    List<NewMessage> messages = new ArrayList<>();
    for (Parsed p : run) messages.addAll(p.request.messages(now));
    return retrying(lane, () -> publisher.acceptAll(messages, "kafka"), 1).map(accepted -> {
      long at = clock.nowMs();
      for (Parsed p : run) {
        metrics.kafkaConsumed(p.record.timestamp(), at);
        done.accept(p.record.offset());
      }
      return null;
    });
  }

  private Future<Void> publishOne(PartitionLane lane, Parsed p, LongConsumer done) {
    return retrying(lane, () -> publisher.publish(p.request, "kafka"), 1)
        .<Void>map(answer -> {
          metrics.kafkaConsumed(p.record.timestamp(), clock.nowMs());
          done.accept(p.record.offset());
          return null;
        })
        .recover(e -> e instanceof PublishException pe
            ? deadLetter(lane, p.record, new IngestRecord.Invalid(IngestRecord.INVALID, pe.field() + ": " + pe.getMessage()), done)
            : Future.failedFuture(e));
  }

  private Future<Void> deadLetter(PartitionLane lane, ConsumerRecord<String, byte[]> r, IngestRecord.Invalid why,
                                  LongConsumer done) {
    return retrying(lane, () -> deadLetters.send(r, why), 1).onSuccess(v -> done.accept(r.offset()));
  }

  /** Runs {@code op}, retrying every failure but bad input with backoff while the lane is owned. */
  private <T> Future<T> retrying(PartitionLane lane, Supplier<Future<T>> op, int attempt) {
    return op.get().recover(e -> {
      if (e instanceof PublishException || lane.retired()) return Future.failedFuture(e);
      metrics.problem("warn", e instanceof StoreUnavailableException ? "store" : "kafka");
      stalled.accept(lane);
      Promise<T> later = Promise.promise();
      vertx.setTimer(RETRY.delayBeforeResend(Math.min(attempt, 16)), id -> retrying(lane, op, attempt + 1).onComplete(later));
      return later.future();
    });
  }

  private record Parsed(ConsumerRecord<String, byte[]> record, PublishRequest request) {}
}
