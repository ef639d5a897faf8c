package io.vpush.dispatch;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts dispatch work in progress (route reads, node sends not yet answered) and tells waiters when it reaches
 * zero: what "dispatch drains what it holds" waits for on shutdown. Called from any thread.
 */
final class InFlight {

  private int count;
  private List<Promise<Void>> waiters = new ArrayList<>();

  synchronized void enter() {
    count++;
  }

  void exit() {
    List<Promise<Void>> idle;
    synchronized (this) {
      if (--count > 0 || waiters.isEmpty()) return;
      idle = waiters;
      waiters = new ArrayList<>();
    }
    // Completed outside the lock: a waiter's handler may dispatch again.
    idle.forEach(Promise::tryComplete);
  }

  /** Completes when nothing is in progress (at once when nothing is). */
  synchronized Future<Void> idle() {
    if (count == 0) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    waiters.add(p);
    return p.future();
  }

  synchronized int count() {
    return count;
  }
}
