package io.vpush.purge.kafka;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;
import io.vpush.purge.Publisher;
import io.vpush.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kafka door of the purge role: consumes {@code kafka.topic} in group {@code kafka.group} and commits, per
 * partition and in order, only offsets whose records the store accepted (or the DLQ acknowledged).
 *
 * <p>Each partition is a {@link PartitionLane} worked one batch at a time, so one user's records (same key,
 * same partition) are accepted in offset order. A partition with more than {@code kafka.maxInFlight} records
 * received and not done, or whose store calls fail, is paused (the partition, not the consumer, which stays in
 * its group) and resumed once drained to half. All of this runs on the verticle's event loop; the Kafka client
 * polls and commits on its own thread.
 */
public final class KafkaIngest extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaIngest.class);
  private static final int BATCH = 500;

  private final VPushConfig config;
  private final String clientId;
  private final Publisher publisher;
  private final Metrics metrics;
  private final Clock clock;
  private final int maxInFlight;
  private final Map<TopicPartition, PartitionLane> lanes = new HashMap<>();
  private final Map<Integer, AtomicLong> lag = new HashMap<>();
  private final AtomicLong pausedCount = new AtomicLong();
  private RevokeCommittingConsumer consumer;
  private KafkaReadStream<String, byte[]> stream;
  private DeadLetters deadLetters;
  private BatchProcessor processor;
  private boolean committing;
  private boolean commitAgain;
  private boolean measuringLag;
  private long timer = -1;

  public KafkaIngest(VPushConfig config, String nodeId, Publisher publisher, Metrics metrics, Clock clock) {
    this.config = config;
    this.clientId = "vpush-purge-" + nodeId;
    this.publisher = publisher;
    this.metrics = metrics;
    this.clock = clock;
    this.maxInFlight = config.get(Settings.KAFKA_MAX_IN_FLIGHT);
  }

  @Override
  public Future<?> start() {
    // The Kafka clients' constructors block (DNS, config, threads): on a worker, then wired here on the verticle's loop.
    return vertx.executeBlocking(() -> {
      consumer = new RevokeCommittingConsumer(KafkaConfigs.consumer(config, clientId));
      return new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(new HashMap<>(KafkaConfigs.producer(config,
          clientId + "-dlq", StringSerializer.class.getName(), ByteArraySerializer.class.getName())));
    }).compose(this::subscribe);
  }

  private Future<Void> subscribe(org.apache.kafka.clients.producer.Producer<String, byte[]> dlqProducer) {
    stream = KafkaReadStream.create(vertx, consumer);
    deadLetters = new DeadLetters(KafkaWriteStream.create(vertx, dlqProducer), config.get(Settings.KAFKA_DLQ_TOPIC), metrics);
    stream.pollTimeout(Duration.ofMillis(100)); // pause, resume and commit queue behind a poll on the client's thread
    processor = new BatchProcessor(vertx, publisher, deadLetters, metrics, clock, this::stalled);
    metrics.gauge("vpush_kafka_paused_partitions", "partitions of the publish topic this node has paused", pausedCount::get);
    stream.partitionsAssignedHandler(this::assigned)
        .partitionsRevokedHandler(this::revoked)
        .exceptionHandler(e -> {
          if (e instanceof WakeupException) return; // close() interrupting a poll
          metrics.problem("warn", "kafka");
          LOG.warn("kafka consumer: {}", e.toString());
        })
        .batchHandler(this::received);
    timer = vertx.setPeriodic(1_000, id -> {
      commit();
      measureLag();
    });
    return stream.subscribe(Set.of(config.get(Settings.KAFKA_TOPIC)));
  }

  /** Leaves the group, which commits what is done inside the rebalance, and closes the DLQ producer. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return stream.close().transform(ar -> deadLetters.close());
  }

  private void assigned(Set<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) lanes.computeIfAbsent(tp, PartitionLane::new);
    LOG.info("assigned {}", partitions);
  }

  private void revoked(Set<TopicPartition> partitions) {
    // The done offsets were committed on the poll thread before the partitions went (RevokeCommittingConsumer).
    for (TopicPartition tp : partitions) {
      PartitionLane lane = lanes.remove(tp);
      if (lane == null) continue;
      lane.retire();
      if (lane.paused) pausedCount.decrementAndGet();
      consumer.forget(tp);
      // Another node reports this partition's lag now.
      Gauge gauge = lag.remove(tp.partition()) == null ? null
          : metrics.registry().find("vpush_kafka_consumer_lag").tag("partition", String.valueOf(tp.partition())).gauge();
      if (gauge != null) metrics.registry().remove(gauge);
    }
    LOG.info("revoked {}", partitions);
  }

  private void received(ConsumerRecords<String, byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      PartitionLane lane = lanes.computeIfAbsent(tp, PartitionLane::new);
      lane.enqueue(records.records(tp));
      if (lane.inFlight() > maxInFlight) pause(lane, "in_flight");
      drain(lane);
    }
  }

  private void drain(PartitionLane lane) {
    if (lane.busy || lane.retired() || !lane.hasWaiting()) return;
    List<ConsumerRecord<String, byte[]>> batch = lane.take(Math.min(BATCH, maxInFlight));
    lane.busy = true;
    processor.process(lane, batch, offset -> done(lane, offset)).onComplete(ar -> {
      lane.busy = false;
      if (lane.retired()) return;
      if (ar.succeeded()) {
        lane.stalled = false;
      } else {
        LOG.warn("batch of {} failed: {}", lane.tp, ar.cause().toString()); // only when retired mid-retry
      }
      if (lane.paused && !lane.stalled && lane.inFlight() <= maxInFlight / 2) resume(lane);
      commit();
      drain(lane);
    });
  }

  private void done(PartitionLane lane, long offset) {
    if (lane.retired()) return;
    lane.offsets.complete(offset);
    if (lane.offsets.committable() >= 0) consumer.done(lane.tp, lane.offsets.committable());
  }

  private void stalled(PartitionLane lane) {
    lane.stalled = true;
    pause(lane, "failing");
  }

  /** Pauses a partition; {@code cause} is {@code in_flight} (too many records not done) or {@code failing} (store or DLQ down). */
  private void pause(PartitionLane lane, String cause) {
    if (lane.paused || lane.retired()) return;
    lane.paused = true;
    metrics.counter("vpush_kafka_partition_pauses_total", "partitions of the publish topic paused, by cause", "cause", cause).increment();
    pausedCount.incrementAndGet();
    stream.pause(Set.of(lane.tp)).onFailure(e -> LOG.warn("pause {}: {}", lane.tp, e.toString()));
  }

  private void resume(PartitionLane lane) {
    lane.paused = false;
    pausedCount.decrementAndGet();
    stream.resume(Set.of(lane.tp)).onFailure(e -> LOG.warn("resume {}: {}", lane.tp, e.toString()));
  }

  /** Commits every partition whose committable offset moved; one commit at a time, the next one right after. */
  private Future<Void> commit() {
    if (committing) {
      commitAgain = true;
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionLane lane : lanes.values()) {
      if (lane.offsets.hasUncommitted()) offsets.put(lane.tp, new OffsetAndMetadata(lane.offsets.committable()));
    }
    if (offsets.isEmpty()) return Future.succeededFuture();
    committing = true;
    return stream.commit(offsets).<Void>map(ok -> {
      offsets.forEach((tp, o) -> {
        PartitionLane lane = lanes.get(tp);
        if (lane != null) lane.offsets.committed(o.offset());
      });
      return null;
    }).onFailure(e -> {
      // Kept uncommitted: the periodic timer tries again; a crash meanwhile means duplicates, never a loss.
      metrics.problem("warn", "kafka");
      LOG.warn("commit failed: {}", e.toString());
    }).onComplete(ar -> {
      committing = false;
      if (commitAgain) {
        commitAgain = false;
        commit();
      }
    });
  }

  /** Consumer lag per partition (end offset minus committable offset), refreshed every second, as gauges. */
  private void measureLag() {
    if (measuringLag || lanes.isEmpty()) return;
    measuringLag = true;
    stream.endOffsets(Set.copyOf(lanes.keySet())).onComplete(ar -> {
      measuringLag = false;
      if (ar.failed()) return;
      ar.result().forEach((tp, end) -> {
        PartitionLane lane = lanes.get(tp);
        if (lane == null || lane.offsets.committable() < 0) return;
        lag.computeIfAbsent(tp.partition(), p -> {
          AtomicLong v = new AtomicLong();
          Gauge.builder("vpush_kafka_consumer_lag", v, AtomicLong::get).description("records of the publish topic not yet accepted, by partition")
              .tag("partition", String.valueOf(p)).register(metrics.registry());
          return v;
        }).set(Math.max(0, end - lane.offsets.committable()));
      });
    });
  }
}
