package io.vpush.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;

/**
 * What waits for the message handler while it is busy (an async handler's stage has not completed): live user-stream
 * messages and sync answers, in arrival order. Bounded: at most {@code maxMessages} live messages; past that, live
 * messages are dropped (they stay unacked in the server's inbox) and {@link #overflowed()} tells the client to fetch
 * them with {@code vpush.sync} once it caught up. A live message at or below the highest seq already queued on this
 * connection is a re-send of one that is waiting or in flight: dropped at once. Pure logic, one per client.
 */
public final class InboundQueue {
  /** What became of an offered live message. */
  public enum Offer {
    /** Queued behind the others. */
    QUEUED,
    /** A re-send of a queued (or in-flight) seq: dropped. */
    DUPLICATE,
    /** The queue was full: dropped, and the queue is now overflowed. */
    OVERFLOW,
    /** Dropped while overflowed (the sync after the catch-up fetches it). */
    DROPPED
  }

  /** A live message, or a sync answer's body. */
  public record Item(Message live, JsonNode syncAnswer) {}

  private final int maxMessages;
  private final ArrayDeque<Item> items = new ArrayDeque<>();
  private int messages;
  private long highSeq = -1;
  private boolean overflowed;

  public InboundQueue(int maxMessages) {
    if (maxMessages < 1) throw new IllegalArgumentException("maxMessages must be at least 1");
    this.maxMessages = maxMessages;
  }

  public Offer offer(Message m) {
    if (m.seq() <= highSeq) return Offer.DUPLICATE;
    if (overflowed) return Offer.DROPPED;
    if (messages >= maxMessages) {
      overflowed = true;
      return Offer.OVERFLOW;
    }
    items.add(new Item(m, null));
    messages++;
    highSeq = m.seq();
    return Offer.QUEUED;
  }

  /** A sync answer: always queued (at most one sync is outstanding, so at most one answer waits). */
  public void offerSyncAnswer(JsonNode body) {
    items.add(new Item(null, body));
  }

  /** The next item, or null. */
  public Item poll() {
    Item i = items.poll();
    if (i != null && i.live() != null) messages--;
    return i;
  }

  /** Live messages waiting. */
  public int messages() {
    return messages;
  }

  /** True when live messages were dropped since the last {@link #overflowHandled()}: a sync must fetch them. */
  public boolean overflowed() {
    return overflowed;
  }

  /** A sync from lastSeq was started: it fetches what was dropped; live messages are queued again. */
  public void overflowHandled() {
    overflowed = false;
  }

  /** The connection ended: nothing queued on it is kept (the server re-sends it after the next register). */
  public void clear() {
    items.clear();
    messages = 0;
    highSeq = -1;
    overflowed = false;
  }
}
