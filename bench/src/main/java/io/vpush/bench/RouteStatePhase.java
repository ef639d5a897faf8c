package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import io.vpush.testing.ProcStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Heap per user on a dispatch node that holds none of the users: U distinct users come online on the access nodes in
 * rounds of {@code --route-round} (default: the client count), each gets one message published on the dispatch node,
 * then goes offline. Heap after GC of the dispatch node before and after, divided by U.
 *
 * <p>Why this shape: the dispatch node keeps per-user state only in its L1 route cache, and only for users online
 * somewhere (no route is never cached): a register elsewhere leaves a hold marker, a dispatch to an online user a
 * route entry; both are the user-id key plus one Caffeine entry with a shared value. Offline users cost the node
 * nothing. The cache forgets after {@code route.cacheTtlMs} (default 5 s), so no more than the users of the last
 * 5 s are ever held; to measure the cost of 100,000 at once, this phase runs its own cluster whose dispatch node keeps
 * entries for 10 minutes ({@code VPUSH_ROUTE_CACHE_TTL_MS=600000}, the maximum) and can hold all of them
 * ({@code VPUSH_ROUTE_CACHE_SIZE}). The figure is therefore the per-user cost at the cache's fullest, not a steady state.
 */
final class RouteStatePhase {

  private final ScenarioContext ctx;
  private final int users;

  RouteStatePhase(ScenarioContext ctx, int users) {
    this.ctx = ctx;
    this.users = users;
  }

  JsonObject run() throws Exception {
    BenchOptions o = ctx.options();
    int round = Math.max(1, Math.min(users, o.integer("route-round", ctx.clients())));
    Map<String, String> n3 = Map.of("VPUSH_ROUTE_CACHE_TTL_MS", "600000",
        "VPUSH_ROUTE_CACHE_SIZE", Integer.toString(Math.max(200_000, 2 * users)));
    long started = System.nanoTime();
    try (ClusterTarget cluster = ClusterTarget.start(o, n3)) {
      long pid = cluster.dispatchPid();
      OptionalLong heap0 = ProcStats.heapAfterGcBytes(pid);
      ProcStats.Sample rss0 = ProcStats.sample(pid);
      Publisher pub = Publisher.create(ctx.vertx(), o.str("door", "http"), cluster, o);
      String prefix = ctx.user(0) + "-route-";
      // 100k connections opened and closed within a minute: enough source addresses for the sockets in TIME_WAIT.
      int sources = Math.max(2, Math.min(250, (users + 4_999) / 5_000));
      long delivered = 0;
      long connectFailed = 0;
      try {
        for (int first = 0; first < users; first += round) {
          int count = Math.min(round, users - first);
          FleetConfig cfg = new FleetConfig(cluster.host(), cluster.clientPorts(), "/eventbus/websocket", prefix, first,
              count, sources, o.str("jwt-secret", "bench-secret-bench-secret-bench-secret"), 60_000,
              o.integer("connect-concurrency", 200), o.longValue("connect-timeout-ms", 15_000));
          LocalFleet fleet = new LocalFleet(ctx.vertx(), cfg);
          try {
            connectFailed += fleet.connectAll().await().getLong("failed");
            List<List<String>> chunks = new ArrayList<>();
            for (int i = first; i < first + count; i += 1_000) {
              List<String> c = new ArrayList<>();
              for (int j = i; j < Math.min(first + count, i + 1_000); j++) c.add(cfg.user(j));
              chunks.add(c);
            }
            ClusterScenario.toAll(pub, chunks, ctx.payload(MicroClock.nowMicros(), first)).await();
            awaitDelivered(fleet, count, o.longValue("drain-ms", 10_000));
          } finally {
            delivered += fleet.finish().await().counters().delivered();
          }
        }
      } finally {
        pub.close().await();
      }
      OptionalLong heap1 = ProcStats.heapAfterGcBytes(pid);
      ProcStats.Sample rss1 = ProcStats.sample(pid);
      JsonObject r = new JsonObject().put("users", users).put("round", round).put("delivered", delivered)
          .put("connectFailed", connectFailed).put("seconds", (System.nanoTime() - started) / 1e9)
          .put("dispatchNodeRouteCacheTtlMs", 600_000);
      if (heap0.isPresent() && heap1.isPresent()) {
        r.put("heapBeforeMB", heap0.getAsLong() / 1048576.0).put("heapAfterMB", heap1.getAsLong() / 1048576.0)
            .put("heapBytesPerUser", (heap1.getAsLong() - heap0.getAsLong()) / (double) users);
      }
      if (rss0 != null && rss1 != null) r.put("rssBytesPerUser", (rss1.rssBytes() - rss0.rssBytes()) / (double) users);
      return r;
    }
  }

  /** Polls the round's counters (they are written on the clients' event loops) with a deadline. */
  private static void awaitDelivered(LocalFleet fleet, long count, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (fleet.counters().delivered() < count && System.currentTimeMillis() < deadline) Thread.sleep(20);
  }
}
