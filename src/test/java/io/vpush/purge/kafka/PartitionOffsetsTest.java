package io.vpush.purge.kafka;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionOffsetsTest {

  @Test
  void nothingIsCommittableBeforeTheFirstCompletion() {
    PartitionOffsets o = new PartitionOffsets();
    o.add(5);
    assertEquals(-1, o.committable());
    assertFalse(o.hasUncommitted());
  }

  @Test
  void inOrderCompletionsCommitLastPlusOne() {
    PartitionOffsets o = new PartitionOffsets();
    for (long i = 0; i < 3; i++) o.add(i);
    o.complete(0);
    assertEquals(1, o.committable());
    o.complete(1);
    o.complete(2);
    assertEquals(3, o.committable());
    assertEquals(0, o.inFlight());
  }

  @Test
  void aLaterCompletionWaitsForTheEarlierOne() {
    PartitionOffsets o = new PartitionOffsets();
    for (long i = 10; i < 14; i++) o.add(i);
    o.complete(12);
    o.complete(11);
    assertEquals(-1, o.committable(), "10 is still in flight, so nothing after it may be committed");
    o.complete(10);
    assertEquals(13, o.committable(), "10, 11, 12 done; 13 still in flight");
    assertEquals(1, o.inFlight());
  }

  @Test
  void gapsInOffsetsAreSkipped() {
    PartitionOffsets o = new PartitionOffsets();
    o.add(3);
    o.add(7);
    o.complete(7);
    o.complete(3);
    assertEquals(8, o.committable());
  }

  @Test
  void tracksWhatWasCommitted() {
    PartitionOffsets o = new PartitionOffsets();
    o.add(0);
    o.add(1);
    o.complete(0);
    assertTrue(o.hasUncommitted());
    o.committed(1);
    assertFalse(o.hasUncommitted());
    o.complete(1);
    assertTrue(o.hasUncommitted());
    o.committed(1); // a late answer of an older commit never moves it back
    o.committed(2);
    assertFalse(o.hasUncommitted());
  }

  @Test
  void rejectsOutOfOrderAddsAndUnknownCompletions() {
    PartitionOffsets o = new PartitionOffsets();
    o.add(4);
    assertThrows(IllegalArgumentException.class, () -> o.add(4));
    assertThrows(IllegalArgumentException.class, () -> o.add(2));
    assertThrows(IllegalArgumentException.class, () -> o.complete(9));
    o.complete(4);
    assertThrows(IllegalArgumentException.class, () -> o.complete(4));
    assertThrows(IllegalArgumentException.class, () -> o.add(3));
  }
}
