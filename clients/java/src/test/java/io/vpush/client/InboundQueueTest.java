package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundQueueTest {
  private static Message m(long seq) {
    return new Message(seq, "m" + seq, 0, null, Map.of(), null);
  }

  @Test
  void itemsComeOutInArrivalOrderAndReSendsOfQueuedSeqsAreDropped() {
    InboundQueue q = new InboundQueue(10);
    assertThat(q.offer(m(1))).isEqualTo(InboundQueue.Offer.QUEUED);
    q.offerSyncAnswer(JsonNodeFactory.instance.objectNode());
    assertThat(q.offer(m(2))).isEqualTo(InboundQueue.Offer.QUEUED);
    assertThat(q.offer(m(1))).isEqualTo(InboundQueue.Offer.DUPLICATE);
    assertThat(q.poll().live().seq()).isEqualTo(1);
    assertThat(q.poll().syncAnswer()).isNotNull();
    assertThat(q.offer(m(1))).as("still below the highest queued: in flight or processed").isEqualTo(InboundQueue.Offer.DUPLICATE);
    assertThat(q.poll().live().seq()).isEqualTo(2);
    assertThat(q.poll()).isNull();
  }

  @Test
  void pastTheBoundLiveMessagesAreDroppedUntilTheOverflowIsHandled() {
    InboundQueue q = new InboundQueue(2);
    q.offer(m(1));
    q.offer(m(2));
    assertThat(q.offer(m(3))).isEqualTo(InboundQueue.Offer.OVERFLOW);
    assertThat(q.overflowed()).isTrue();
    q.poll();
    assertThat(q.offer(m(4))).as("room again, but the sync fetches 3 first").isEqualTo(InboundQueue.Offer.DROPPED);
    q.offerSyncAnswer(JsonNodeFactory.instance.objectNode()); // a sync answer is never dropped
    assertThat(q.messages()).isEqualTo(1);
    q.overflowHandled();
    assertThat(q.offer(m(3))).isEqualTo(InboundQueue.Offer.QUEUED);
  }

  @Test
  void clearingForgetsEverything() {
    InboundQueue q = new InboundQueue(1);
    q.offer(m(5));
    q.offer(m(6));
    q.clear();
    assertThat(q.overflowed()).isFalse();
    assertThat(q.messages()).isZero();
    assertThat(q.offer(m(5))).isEqualTo(InboundQueue.Offer.QUEUED);
  }
}
