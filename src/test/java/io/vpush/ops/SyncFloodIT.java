package io.vpush.ops;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.RedisServer;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: a few vpush.sync frames with limit 1000 over an inbox of 1,000 x 60 KB messages threw OutOfMemoryError in a
 * Redis-engine node, and Redis grew by gigabytes. Against a separate JVM with a 256 MB heap: several connections fire
 * 50 such syncs each at once; the node answers those it accepts within the reply bound (more: true), refuses the rest
 * with rate_limited, stays alive and ready, Redis's memory stays bounded, and a normal client keeps receiving.
 */
class SyncFloodIT {

  private static final int MESSAGES = 1_000;
  private static final int CONNECTIONS = 4;
  private static final int SYNCS = 50;
  /** The default outbound.maxBytes is 1 MiB; a sync reply takes at most half of it. */
  private static final int REPLY_BOUND = 512 * 1024;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    MetricsTest.await(vertx.close());
  }

  @Test
  void syncsOfAHugeInboxAreBoundedAndTheNodeKeepsServing() throws Exception {
    try (RedisServer redis = RedisServer.start();
         VPushProcess node = ProcessTraffic.production().name("syncflood").heap("256m")
             .env(Map.of("VPUSH_STORE", "redis", "VPUSH_REDIS_URL", redis.url())).start()) {
      String filler = "x".repeat(60_000);
      for (int i = 0; i < MESSAGES; i++) {
        ProcessTraffic.publish(node, new JsonObject().put("user", "flood").put("id", "m" + i)
            .put("payload", new JsonObject().put("n", i).put("fill", filler)));
      }
      long peakBefore = redisMemory(redis, "used_memory_peak");

      try (WsTestClient normal = WsTestClient.connect(vertx, node.port())) {
        normal.register("normal", ProcessTraffic.token(vertx, "normal"), Map.of("clientId", "n1"));
        normal.awaitControl("registered", WAIT);

        List<WsTestClient> attackers = new ArrayList<>();
        List<CompletableFuture<JsonObject>> answers = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        try {
          for (int c = 0; c < CONNECTIONS; c++) {
            WsTestClient a = WsTestClient.connect(vertx, node.port());
            attackers.add(a);
            // lastSeq at the end: no catch-up, so every read of this connection is a sync.
            a.register("flood", ProcessTraffic.token(vertx, "flood"), Map.of("clientId", "a" + c, "lastSeq", "" + MESSAGES));
            a.awaitControl("registered", WAIT);
          }
          for (WsTestClient a : attackers) {
            for (int i = 0; i < SYNCS; i++) {
              answers.add(a.requestAsync("vpush.sync", new JsonObject().put("since", 0).put("limit", 1_000)));
            }
          }
          for (CompletableFuture<JsonObject> f : answers) {
            JsonObject frame = f.get(60, TimeUnit.SECONDS);
            if (WsTestClient.isError(frame, "rate_limited")) {
              assertThat(frame.getInteger("failureCode")).isEqualTo(429);
              refused++;
              continue;
            }
            assertThat(frame.getString("type")).as("%s", frame.getString("message")).isEqualTo("rec");
            JsonObject reply = frame.getJsonObject("body");
            assertThat(frame.encode().length()).isLessThanOrEqualTo(REPLY_BOUND);
            assertThat(reply.getJsonArray("messages")).isNotEmpty();
            assertThat(reply.getJsonArray("messages").size()).isLessThan(10);
            assertThat(reply.getBoolean("more")).isTrue();
            assertThat(reply.getLong("lastSeq")).isEqualTo(MESSAGES);
            accepted++;
          }
          assertThat(accepted + refused).isEqualTo(CONNECTIONS * SYNCS);
          assertThat(accepted).isGreaterThanOrEqualTo(CONNECTIONS);
          assertThat(refused).as("syncs refused over sync.maxInFlight").isPositive();
          for (WsTestClient a : attackers) assertThat(a.isClosed()).isFalse();
        } finally {
          attackers.forEach(WsTestClient::close);
        }

        assertThat(node.isAlive()).as(node.logTail(30)).isTrue();
        assertThat(get(node, "/health/ready")).isEqualTo(200);
        String metrics = HTTP.send(HttpRequest.newBuilder(node.uri("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("vpush_sync_refused_total(\\{[^}]*\\})? [1-9]");
        // 200 syncs over 60 MB once made Redis build a 60 MB reply for each: now each is about one reply's worth.
        long peakGrowth = redisMemory(redis, "used_memory_peak") - peakBefore;
        System.out.printf("sync flood: %d accepted, %d refused, Redis used_memory_peak +%d KB%n", accepted, refused,
            peakGrowth >> 10);
        assertThat(peakGrowth).as("Redis used_memory_peak growth during the flood").isLessThan(64L << 20);
        assertThat(node.log()).doesNotContain("OutOfMemoryError");

        ProcessTraffic.publish(node, new JsonObject().put("user", "normal").put("payload", "still here"));
        assertThat(normal.awaitMessage(WAIT).getValue("body")).isEqualTo("still here");
      }
    }
  }

  private static int get(VPushProcess node, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(node.uri(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static long redisMemory(RedisServer redis, String field) throws Exception {
    for (String line : redis.call("INFO", "memory").split("\r?\n")) {
      if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1).trim());
    }
    throw new AssertionError("INFO memory has no " + field);
  }
}
