package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vpush.store.InboxPage;
import io.vpush.store.Route;
import io.vpush.store.Store;
import io.vpush.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One registered session's catch-up: reads its user's inbox after the session's cursor into its {@link SeqGate}, a page
 * at a time, pauses while the socket is backed up and retries a failed read with backoff. Made by the register; lives on
 * the session's event loop.
 *
 * <p>What the catch-up has not sent yet is safe in the store, so it only ever fills half of the connection's outbound
 * bound ({@code outbound.maxBytes}, {@code outbound.maxMessages}): a client that reads slowly, or a backlog of large
 * messages, is paced by its socket instead of being closed as a slow consumer. The other half is left to live messages.
 */
final class CatchUp implements SocketBacklog.DrainListener {

  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
  /**
   * Catch-up reads this many messages at a time, and no more than the node's paced share of the outbound bound in bytes
   * (the store stops a page there: a page of large messages is never read whole to be cut here), and queues at most
   * that share.
   */
  static final int READ_PAGE = 100;
  /**
   * Live messages held while a read is out, at most: a catch-up paced by a slow socket may last long, and what it would
   * hold meanwhile is in the store anyway.
   */
  static final int MAX_HELD = 200;

  private final Session session;
  private final Shard shard;
  private final SeqGate<Outbound> gate;
  private boolean waitingForDrain;
  private int failures;

  CatchUp(Session session, long cursor) {
    this.session = session;
    this.shard = session.shard();
    this.gate = new SeqGate<>(cursor, Outbound::seq);
  }

  /**
   * The register's first read, from the cursor, after the session's route entry is written ({@link Store#join}: the
   * order the cluster's no-miss rule needs); answers on the session's event loop. The caller hands the page to
   * {@link #onPage} once it has told the client it is registered (the page carries the user's last seq).
   */
  Future<InboxPage> first(Route route) {
    gate.beginRead();
    Promise<InboxPage> page = Promise.promise();
    shard.store().join(route, shard.settings().routeTtlMs, gate.cursor(), READ_PAGE, shard.settings().outbound.pacedMaxBytes())
        .onComplete(ar -> session.onContext(() -> page.handle(ar)));
    return page.future();
  }

  /** A live message: delivered in seq order, or held while a read fills the hole before it (or shed, see MAX_HELD). */
  void offer(Outbound out) {
    if (gate.offer(out, session::send)) readMore();
    else if (gate.heldCount() > MAX_HELD) gate.shed();
  }

  /**
   * Hands a page to the gate, as much of it as fits in the catch-up's share of the outbound bound (at least one
   * message), and reads on while the gate asks for more. The part left out is read again once the socket has drained:
   * to the gate, a page cut short is a page with more after it.
   */
  void onPage(InboxPage page) {
    List<StoredMessage> messages = page.messages();
    SocketBacklog backlog = session.backlog();
    int frames = 0;
    long bytes = 0;
    List<Outbound> outs = new ArrayList<>(messages.size());
    String device = session.device();
    for (StoredMessage m : messages) {
      Outbound out = new Outbound(m);
      outs.add(out);
      if (!m.isFor(device)) continue; // passes the gate without a frame
      int size = out.frame().length();
      if (outs.size() > 1 && !backlog.pacedRoom(frames + 1, bytes + size)) {
        outs.remove(outs.size() - 1);
        break;
      }
      frames++;
      bytes += size;
    }
    boolean cut = outs.size() < messages.size();
    if (!outs.isEmpty()) session.reserveUnacked(outs.size());
    if (gate.onPage(outs, page.more() || cut, session::send)) readMore();
  }

  /** The socket took a frame: a read that waited for it goes on once the backlog is down to half the share. */
  @Override
  public void drained(SocketBacklog backlog) {
    if (waitingForDrain && backlog.pacedHalfDrained()) {
      waitingForDrain = false;
      readMore();
    }
  }

  /** Reads the next inbox page into the gate, unless the socket is backed up (then it resumes on drain). */
  private void readMore() {
    if (!session.isRegistered()) return;
    // Room for at least one more frame of any size, else wait.
    if (!session.backlog().pacedRoom(1, 1)) {
      waitingForDrain = true;
      return;
    }
    gate.beginRead();
    shard.store().read(session.userId(), gate.cursor(), READ_PAGE, shard.settings().outbound.pacedMaxBytes()).onComplete(ar -> session.onContext(() -> {
      if (!session.isRegistered()) return;
      if (ar.failed()) {
        retry();
        return;
      }
      failures = 0;
      onPage(ar.result());
    }));
  }

  private void retry() {
    shard.metrics().problem("warn", "store");
    if (failures == 0) LOG.warn("inbox read failed user={} clientId={}; retrying", session.userId(), session.clientId());
    long delay = Math.min(30_000, 500L << Math.min(failures++, 6));
    shard.context().owner().setTimer(delay, id -> session.onContext(this::readMore));
  }
}
