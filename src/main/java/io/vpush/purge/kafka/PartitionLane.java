package io.vpush.purge.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One assigned partition on the ingest context: records waiting, the offsets being processed, and whether the
 * partition is paused or stalled on a failing store. A revoked partition's lane is retired; callbacks of work
 * it started check {@link #retired()} and change nothing.
 */
final class PartitionLane {

  final TopicPartition tp;
  final PartitionOffsets offsets = new PartitionOffsets();
  private final ArrayDeque<ConsumerRecord<String, byte[]>> waiting = new ArrayDeque<>();
  boolean busy;
  boolean paused;
  boolean stalled;
  private boolean retired;

  PartitionLane(TopicPartition tp) {
    this.tp = tp;
  }

  void enqueue(List<ConsumerRecord<String, byte[]>> records) {
    waiting.addAll(records);
  }

  /** Takes up to {@code max} waiting records, in offset order, and tracks their offsets as in flight. */
  List<ConsumerRecord<String, byte[]>> take(int max) {
    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(Math.min(max, waiting.size()));
    while (batch.size() < max && !waiting.isEmpty()) {
      ConsumerRecord<String, byte[]> r = waiting.poll();
      offsets.add(r.offset());
      batch.add(r);
    }
    return batch;
  }

  boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /** Records received and not yet done: waiting plus being processed. */
  int inFlight() {
    return waiting.size() + offsets.inFlight();
  }

  void retire() {
    retired = true;
    waiting.clear();
  }

  boolean retired() {
    return retired;
  }
}
