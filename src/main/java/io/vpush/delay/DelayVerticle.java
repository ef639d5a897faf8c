package io.vpush.delay;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vpush.purge.Publisher;
import io.vpush.store.NewMessage;
import io.vpush.store.ScheduledMessage;
import io.vpush.store.Store;
import io.vpush.time.Clock;

import java.util.ArrayList;
import java.util.List;

/**
 * The delay role: releases scheduled messages ({@code deliverAt}) when due. It claims due items from the
 * store's queue with a lease, accepts them (they get their seq now), hands them to dispatch, and only then
 * completes them, so a crash at any point leaves the item to be claimed again (acceptance is idempotent by id).
 *
 * <p>Re-sends of unacked messages are not queued here: a re-send only makes sense on the live connection that
 * missed the ack, so each access event loop times them on its wheel, and the inbox keeps the message for
 * every later connection. That saves two store writes per delivered message.
 */
public final class DelayVerticle extends VerticleBase {

  private static final int BATCH = 200;

  private final Store store;
  private final Publisher publisher;
  private final Clock clock;
  private final long pollMs;
  private final long leaseMs;
  private boolean polling;
  private long timer = -1;

  public DelayVerticle(Store store, Publisher publisher, Clock clock, long pollMs, long leaseMs) {
    this.store = store;
    this.publisher = publisher;
    this.clock = clock;
    this.pollMs = pollMs;
    this.leaseMs = leaseMs;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(pollMs, id -> poll());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void poll() {
    if (polling) return;
    polling = true;
    releaseDue().onComplete(ar -> polling = false);
  }

  /** Releases due messages batch by batch until fewer than a batch are due. */
  private Future<Void> releaseDue() {
    long now = clock.nowMs();
    return store.claimDue(now, BATCH, leaseMs).compose(due -> {
      if (due.isEmpty()) return Future.succeededFuture();
      List<NewMessage> messages = new ArrayList<>(due.size());
      for (ScheduledMessage s : due) {
        NewMessage m = s.message();
        // Released now: ts (and so the inbox expiry) counts from the release.
        messages.add(new NewMessage(m.id(), m.user(), now, m.ttlSeconds(), m.payload(), m.devices()));
      }
      return publisher.acceptAll(messages, "delay")
          .compose(accepted -> store.completeScheduled(due))
          .compose(v -> due.size() == BATCH ? releaseDue() : Future.succeededFuture());
    });
  }
}
