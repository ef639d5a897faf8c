package io.vpush.store;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/**
 * Everything that must outlive a connection: seqs, inboxes, the idempotency index, ack cursors, the delay
 * queue and the route table.
 *
 * <p>Two engines implement it ({@code memory} and {@code redis}) and pass the same contract tests. All
 * methods are non-blocking; failures to reach the store complete with {@link StoreUnavailableException}.
 */
public interface Store {

  /**
   * Accepts a message in one atomic step: if its id was accepted before for this user, answers that
   * first acceptance (duplicate); otherwise assigns the user's next seq, appends it to the inbox, and
   * drops what is over the cap or expired.
   */
  Future<Accepted> accept(NewMessage message);

  /**
   * Accepts several messages; the engine may pipeline them. Results are in the order given. When the engine refuses
   * some users (their keys are unusable) and accepts the rest, fails with a {@link PartialAcceptException} that holds
   * the accepted ones.
   */
  Future<List<Accepted>> acceptAll(List<NewMessage> messages);

  /**
   * Reads up to {@code limit} retained messages with seq greater than {@code afterSeq}, in seq order, and no more than
   * {@code maxBytes} of them: the page stops before the message that would take it past {@code maxBytes} (counted by
   * {@link StoredMessage#storedBytes}, or the engine's stored form, which is a little larger), but holds at least one
   * message when one is there; a page stopped by the budget or the limit says {@code more}. The budget is what keeps a
   * read of large messages from costing the node (and Redis) the whole page: it is what the reply can carry.
   */
  Future<InboxPage> read(String user, long afterSeq, int limit, long maxBytes);

  /** {@link #read(String, long, int, long)} without a byte budget: for tests and tools, never for a client's read. */
  default Future<InboxPage> read(String user, long afterSeq, int limit) {
    return read(user, afterSeq, limit, Long.MAX_VALUE);
  }

  /** The user's latest seq, 0 for a user who never had a message. */
  Future<Long> lastSeq(String user);

  /** The ack cursor of (user, clientId): the highest seq that client acked, 0 when none. */
  Future<Long> cursor(String user, String clientId);

  /** Moves the ack cursor of (user, clientId) forward to {@code seq}; never moves it back. */
  Future<Void> ack(String user, String clientId, long seq);

  /** Queues a scheduled message durably; scheduling the same id again replaces nothing (idempotent). */
  Future<Void> schedule(ScheduledMessage message);

  /**
   * Claims up to {@code max} scheduled messages due at {@code now}. A claimed message is not handed to
   * another claimer until {@code leaseMs} passes; {@link #completeScheduled} removes it for good. A claimer
   * that crashes loses nothing: its claims become due again when the lease ends.
   */
  Future<List<ScheduledMessage>> claimDue(long now, int max, long leaseMs);

  /** Removes claimed scheduled messages after they were accepted. */
  Future<Void> completeScheduled(Collection<ScheduledMessage> done);

  /** Adds or refreshes route entries; each expires after {@code ttlMs} unless refreshed. */
  Future<Void> putRoutes(Collection<Route> routes, long ttlMs);

  /**
   * Removes route entries, each only if it is the one its connection wrote (matched by user, nodeId, clientId and
   * since): a close that reaches the store after the same client's reconnect to the same node keeps the new entry.
   */
  Future<Void> removeRoutes(Collection<Route> routes);

  /**
   * Writes a new connection's route entry (as {@link #putRoutes}), then reads its user's first page after {@code afterSeq}
   * (as {@link #read}), and the read reaches the store after the write. That order is the cluster's no-miss rule (see
   * io.vpush.dispatch.ClusterDispatcher): a dispatch whose route read missed the new entry read before the write, hence
   * before this read, so its message, accepted before the dispatch, is in this page. The write's own outcome is not
   * waited for (the route refresh repeats it).
   *
   * <p>The default suits an engine whose calls from one caller reach the store in the order they were made.
   */
  default Future<InboxPage> join(Route route, long ttlMs, long afterSeq, int limit, long maxBytes) {
    putRoutes(List.of(route), ttlMs);
    return read(route.user(), afterSeq, limit, maxBytes);
  }

  /**
   * This store for the callers on one event loop, {@code context}'s (a shard's sessions): the engine may batch their
   * calls with each other's (acks, route writes, reads of one turn) in objects the view owns. The view is used on that
   * loop only, and closing it closes nothing; the default is this store itself.
   */
  default Store onLoop(Context context) {
    return this;
  }

  /** The live route entries of a user. */
  Future<List<Route>> routes(String user);

  /** Releases connections and timers. */
  Future<Void> close();
}
