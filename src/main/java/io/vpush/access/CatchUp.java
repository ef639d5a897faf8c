package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vpush.store.InboxPage;
import io.vpush.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One registered session's catch-up: reads its user's inbox after the session's cursor into its {@link SeqGate}, a page
 * at a time, pauses while the socket is backed up and retries a failed read with backoff. Made by the register; lives on
 * the session's event loop.
 */
final class CatchUp {

  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
  /** Catch-up reads this many messages at a time... */
  static final int READ_PAGE = 100;
  /** ...and waits while more than this many frames are still queued to the socket. */
  static final int READ_PAUSE_FRAMES = 200;

  private final Session session;
  private final AccessNode node;
  private final SeqGate<Outbound> gate;
  private boolean waitingForDrain;
  private int failures;

  CatchUp(Session session, AccessNode node, long cursor) {
    this.session = session;
    this.node = node;
    this.gate = new SeqGate<>(cursor, Outbound::seq);
  }

  /**
   * The register's first read, from the cursor; answers on the session's event loop. The caller hands the page to
   * {@link #onPage} once it has told the client it is registered (the page carries the user's last seq).
   */
  Future<InboxPage> first() {
    gate.beginRead();
    Promise<InboxPage> page = Promise.promise();
    node.store.read(session.userId(), gate.cursor(), READ_PAGE).onComplete(ar -> session.onContext(() -> page.handle(ar)));
    return page.future();
  }

  /** A live message: delivered in seq order, or held while a read fills the hole before it. */
  void offer(Outbound out) {
    if (gate.offer(out, session::send)) readMore();
  }

  /** Hands a page to the gate, and reads on while the gate asks for more. */
  void onPage(InboxPage page) {
    List<Outbound> outs = new ArrayList<>(page.messages().size());
    for (StoredMessage m : page.messages()) outs.add(new Outbound(m));
    if (!outs.isEmpty()) session.reserveUnacked(outs.size());
    if (gate.onPage(outs, page.more(), session::send)) readMore();
  }

  /** The socket's queue shrank to {@code queuedFrames}: a read that waited for it goes on at half the pause mark. */
  void drained(int queuedFrames) {
    if (waitingForDrain && queuedFrames <= READ_PAUSE_FRAMES / 2) {
      waitingForDrain = false;
      readMore();
    }
  }

  /** Reads the next inbox page into the gate, unless the socket is backed up (then it resumes on drain). */
  private void readMore() {
    if (!session.isRegistered()) return;
    if (session.queuedFrames() > READ_PAUSE_FRAMES) {
      waitingForDrain = true;
      return;
    }
    gate.beginRead();
    node.store.read(session.userId(), gate.cursor(), READ_PAGE).onComplete(ar -> session.onContext(() -> {
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
    node.metrics.problem("warn", "store");
    if (failures == 0) LOG.warn("inbox read failed user={} clientId={}; retrying", session.userId(), session.clientId());
    long delay = Math.min(30_000, 500L << Math.min(failures++, 6));
    node.vertx.setTimer(delay, id -> session.onContext(this::readMore));
  }
}
