package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code reconnect}: N clients stop acking, receive K messages each, then all drop and reconnect at once with their
 * last acked seq. Reconnects per second, time until every client has caught up, and messages missing after it; the
 * cycle is measured {@code --rounds} times (default 3) and reported by its median round, with every round's rate.
 */
final class ReconnectScenario implements Scenario {

  @Override
  public String name() { return "reconnect"; }

  @Override
  public JsonObject run(ScenarioContext ctx) throws Exception {
    BenchOptions o = ctx.options();
    int k = o.integer("unacked", 20);
    long deadlineMs = o.longValue("deadline-ms", 60_000);
    JsonObject connect = ctx.fleet().connectAll().await();
    long n = connect.getLong("registered");
    // Unmeasured rounds of the whole cycle until the JIT settles: a cold reconnect path measured half JIT.
    JsonObject warmup = new Warmup(ctx.target().serverPids(), o).run(ms -> {
      leaveUnacked(ctx, n, k, deadlineMs);
      return ctx.fleet().reconnectAll(ctx.target().replays(), deadlineMs).await();
    });
    // Several measured rounds, reported by their median rate: one round of 10,000 reconnects lasts 2-4 s, and the same
    // build's rate varied by 12% between single rounds (the kernel's share of a reconnect varies most).
    int rounds = Math.max(1, o.integer("rounds", 3));
    List<JsonObject> measured = new ArrayList<>(rounds);
    for (int i = 0; i < rounds; i++) measured.add(measuredRound(ctx, n, k, deadlineMs));
    List<JsonObject> byRate = new ArrayList<>(measured);
    byRate.sort(Comparator.comparingDouble(m -> m.getDouble("reconnectsPerSecond")));
    JsonObject out = byRate.get((byRate.size() - 1) / 2).copy();
    JsonArray rates = new JsonArray();
    // Every round's CPU per reconnect too: rounds of one run differ by up to 2x, and the costs say which process moved.
    JsonArray perRound = new JsonArray();
    long missing = 0;
    boolean received = true;
    for (JsonObject m : measured) {
      rates.add(m.getDouble("reconnectsPerSecond"));
      perRound.add(m.getJsonObject("perReconnect").copy().put("reconnectsPerSecond", m.getDouble("reconnectsPerSecond")));
      missing += m.getJsonObject("reconnect").getLong("missing", 0L);
      received &= m.getBoolean("allUnackedReceived");
    }
    return out.put("connect", connect).put("warmup", warmup).put("unackedPerClient", k).put("rounds", rates)
        .put("perReconnectByRound", perRound)
        .put("missingInAllRounds", missing).put("allUnackedReceivedInAllRounds", received);
  }

  /** One measured cycle: leave K unacked per client, then drop and reconnect every client, metered. */
  private static JsonObject measuredRound(ScenarioContext ctx, long n, int k, long deadlineMs) throws Exception {
    boolean received = leaveUnacked(ctx, n, k, deadlineMs);
    long fromSec = ScenarioContext.epochSecond();
    ServerMeter meter = ctx.meter().start();
    JsonObject r = ctx.fleet().reconnectAll(ctx.target().replays(), deadlineMs).await();
    JsonObject cpu = meter.stop();
    double regMs = r.getDouble("registeredMs");
    JsonObject out = new JsonObject().put("allUnackedReceived", received).put("reconnect", r)
        .put("reconnectsPerSecond", regMs == 0 ? 0 : r.getLong("reconnected") * 1000.0 / regMs)
        .put("cpu", cpu).put("perReconnect", perReconnect(cpu, r.getLong("reconnected")))
        .put("fromSec", fromSec).put("toSec", ScenarioContext.epochSecond());
    if (ctx.target().replays()) {
      Double caught = r.getDouble("caughtUpMs");
      out.put("caughtUpPerSecond", caught == null ? null : r.getLong("caughtUp") * 1000.0 / caught);
    } else {
      out.put("note", "the target keeps no messages: reconnect rate only, no catch-up");
    }
    return out;
  }

  /**
   * The window's CPU per reconnect ({@link ScenarioContext#perMessage}), plus the load generator's kernel, GC and JIT
   * shares: it shares the two cores, and its cost moves the rate from round to round more than the server's does.
   */
  static JsonObject perReconnect(JsonObject cpu, long reconnects) {
    JsonObject per = ScenarioContext.perMessage(cpu, reconnects);
    for (Object p : cpu.getJsonArray("processes")) {
      JsonObject proc = (JsonObject) p;
      if (!"loadgen".equals(proc.getString("role")) || reconnects == 0) continue;
      per.put("loadgenSysMicrosPerMessage", proc.getDouble("sysSeconds") * 1e6 / reconnects);
      Double gc = proc.getDouble("gcSeconds");
      if (gc != null) per.put("loadgenGcMicrosPerMessage", gc * 1e6 / reconnects);
      Double jit = proc.getDouble("jitSeconds");
      if (jit != null) per.put("loadgenJitMicrosPerMessage", jit * 1e6 / reconnects);
    }
    return per;
  }

  /** Stops the clients' acks and publishes {@code k} messages to every user; true when all arrived. */
  private static boolean leaveUnacked(ScenarioContext ctx, long n, int k, long deadlineMs) throws InterruptedException {
    ctx.fleet().setAcking(false).await();
    long before = ctx.fleet().counters().delivered();
    List<List<String>> chunks = ctx.userChunks();
    for (int m = 0; m < k; m++) {
      JsonObject payload = ctx.payload(MicroClock.nowMicros(), m);
      // Bounded: a publish that never answers must fail the run, not hang it (HttpPublisher had such a race).
      Future.all(chunks.stream().map(c -> ctx.publisher().toUsers(c, payload)).toList())
          .timeout(deadlineMs, TimeUnit.MILLISECONDS).await();
    }
    return ctx.awaitDelivered(before + n * k, deadlineMs);
  }
}
