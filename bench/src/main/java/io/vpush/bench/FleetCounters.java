package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of one process's clients, written from every client event loop. */
public final class FleetCounters {

  public final LongAdder registered = new LongAdder();
  public final LongAdder connectErrors = new LongAdder();
  public final LongAdder delivered = new LongAdder();
  public final LongAdder acksSent = new LongAdder();
  public final LongAdder ackedMessages = new LongAdder();
  public final LongAdder errFrames = new LongAdder();
  public final LongAdder closedUnexpectedly = new LongAdder();
  public final LongAdder duplicates = new LongAdder();
  public final LongAdder gaps = new LongAdder();

  public Snapshot snapshot() {
    return new Snapshot(registered.sum(), connectErrors.sum(), delivered.sum(), acksSent.sum(), ackedMessages.sum(),
        errFrames.sum(), closedUnexpectedly.sum(), duplicates.sum(), gaps.sum());
  }

  /** An immutable reading of the counters, summable across processes. */
  public record Snapshot(long registered, long connectErrors, long delivered, long acksSent, long ackedMessages,
                         long errFrames, long closedUnexpectedly, long duplicates, long gaps) {

    public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public Snapshot plus(Snapshot o) {
      return new Snapshot(registered + o.registered, connectErrors + o.connectErrors, delivered + o.delivered,
          acksSent + o.acksSent, ackedMessages + o.ackedMessages, errFrames + o.errFrames,
          closedUnexpectedly + o.closedUnexpectedly, duplicates + o.duplicates, gaps + o.gaps);
    }

    public long errors() { return connectErrors + errFrames + closedUnexpectedly; }

    public JsonObject toJson() {
      return new JsonObject().put("registered", registered).put("connectErrors", connectErrors)
          .put("delivered", delivered).put("acksSent", acksSent).put("ackedMessages", ackedMessages)
          .put("errFrames", errFrames).put("closedUnexpectedly", closedUnexpectedly)
          .put("duplicates", duplicates).put("gaps", gaps);
    }

    public static Snapshot fromJson(JsonObject j) {
      return new Snapshot(j.getLong("registered", 0L), j.getLong("connectErrors", 0L), j.getLong("delivered", 0L),
          j.getLong("acksSent", 0L), j.getLong("ackedMessages", 0L), j.getLong("errFrames", 0L),
          j.getLong("closedUnexpectedly", 0L), j.getLong("duplicates", 0L), j.getLong("gaps", 0L));
    }
  }
}
