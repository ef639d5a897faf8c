package io.vpush.purge.kafka;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kafka consumer of the purge role, which commits the done offsets of revoked partitions synchronously,
 * inside the rebalance, before another member gets them.
 *
 * <p>Why a subclass: vertx-kafka-client runs its own rebalance listener on the poll thread and only tells the
 * Vert.x context afterwards, when the partitions are already gone; a commit from there would come too late.
 * Wrapping the listener here keeps the commit on the poll thread, where Kafka expects it. Lost partitions
 * (the member was already out of the group) are not committed.
 */
final class RevokeCommittingConsumer extends KafkaConsumer<String, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(RevokeCommittingConsumer.class);

  /** Partition -> committable offset, written by the ingest context, read on the poll thread. */
  private final Map<TopicPartition, Long> done = new ConcurrentHashMap<>();

  RevokeCommittingConsumer(Map<String, Object> config) {
    super(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Publishes the committable offset of a partition for a commit during a rebalance. */
  void done(TopicPartition tp, long committable) {
    done.put(tp, committable);
  }

  /** Forgets a partition this member no longer owns. */
  void forget(TopicPartition tp) {
    done.remove(tp);
  }

  @Override
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    super.subscribe(topics, new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        commitDone(partitions);
        listener.onPartitionsRevoked(partitions);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        listener.onPartitionsAssigned(partitions);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        listener.onPartitionsRevoked(partitions);
      }
    });
  }

  private void commitDone(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      Long offset = done.get(tp);
      if (offset != null) offsets.put(tp, new OffsetAndMetadata(offset));
    }
    if (offsets.isEmpty()) return;
    try {
      commitSync(offsets);
    } catch (RuntimeException e) {
      // The next owner re-reads from the last commit: duplicates (same id, same seq), never a loss.
      LOG.warn("commit of revoked partitions {} failed: {}", offsets.keySet(), e.toString());
    }
  }
}
