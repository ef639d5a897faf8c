package io.vpush.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.FreePorts;
import io.vpush.testing.ProcStats;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fuzz suite of a node in its own JVM takes hostile input on every door at once, from one fixed seed
 * (printed; {@code -Dvpush.fuzz.seed=} replays another): 20,000 frames over raw WebSocket, SockJS over WebSocket, SockJS
 * xhr polling and the TCP bridge, and 2,000 HTTP requests. It must answer every one that is owed an answer (or close
 * the connection with a documented code) within the deadline, never with a 5xx or an {@code internal_error}, and stay
 * alive; afterwards it must serve a normal client, and its heap after a full GC must come back within 10% of what it
 * was after a warm-up. Every broken rule is collected and printed before the test fails, with the input that broke it.
 */
class HostileFuzzIT {

  static final long SEED = Long.getLong("vpush.fuzz.seed", 0x21F022L);
  private static final String SECRET = "fuzz-it-secret-0123456789abcdef-0123456789";
  private static final String API_KEY = "fuzz-it-api-key";
  private static final int FRAME_MAX = 8192;
  private static final long DEADLINE_MS = Long.getLong("vpush.fuzz.deadlineMs", 5_000);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** The frames and requests of one round, per door. */
  record Budget(int rawWs, int sockJsWs, int xhr, int tcp, int http) {
    int frames() {
      return rawWs + sockJsWs + xhr + tcp;
    }
  }

  static final Budget MAIN = new Budget(9_000, 5_000, 2_000, 4_000, 2_000);
  static final Budget WARM_UP = new Budget(900, 500, 200, 400, 200);

  @Test
  void everyDoorSurvivesHostileInputAndTheNodeServesANormalClientAfterwards() throws Exception {
    System.out.println("fuzz seed " + SEED + " (replay with -Dvpush.fuzz.seed=" + SEED + ")");
    int tcpPort = FreePorts.free();
    Failures failures = new Failures();
    try (VPushProcess node = VPushProcess.builder().name("fuzz").heap("256m")
        .env(Map.of("VPUSH_MODE", "production", "VPUSH_STORE", "memory", "VPUSH_JWT_SECRET", SECRET, "VPUSH_API_KEY", API_KEY,
            "VPUSH_TCP_BRIDGE_ENABLED", "true", "VPUSH_TCP_BRIDGE_PORT", Integer.toString(tcpPort),
            "VPUSH_FRAME_MAX_BYTES", Integer.toString(FRAME_MAX), "VPUSH_PUBLISH_MAX_BODY_BYTES", Integer.toString(FRAME_MAX),
            // A small inbox keeps what the fuzz's publishes leave stored small next to the heap it measures.
            "VPUSH_INBOX_CAP", "20", "VPUSH_ACCESS_INSTANCES", "2"))
        .start()) {
      long t0 = System.nanoTime();
      round("warm-up", node.port(), tcpPort, WARM_UP, new SplittableRandom(~SEED), new Failures());
      awaitNoConnections(node);
      long heapStart = heapAfterGc(node);
      System.out.printf("heap after GC after the warm-up: %.1f MiB%n", heapStart / 1048576.0);

      long t1 = System.nanoTime();
      int[] done = round("main", node.port(), tcpPort, MAIN, new SplittableRandom(SEED), failures);
      System.out.printf("main round: %d frames (raw ws %d, sockjs ws %d, xhr %d, tcp %d) and %d HTTP requests in %.1f s%n",
          done[0] + done[1] + done[2] + done[3], done[0], done[1], done[2], done[3], done[4], (System.nanoTime() - t1) / 1e9);

      if (!node.isAlive()) {
        failures.add("crash: the node exited", "exit code " + node.awaitExit(Duration.ofSeconds(1)) + "; log tail:\n" + node.logTail(30));
      } else {
        normalClient(node, failures);
        awaitNoConnections(node);
        heapComesBack(node, heapStart, failures);
        errorsInLog(node, failures);
      }
      System.out.printf("fuzz suite took %.1f s%n", (System.nanoTime() - t0) / 1e9);
      if (!failures.isEmpty()) System.out.println("fuzz failures (seed " + SEED + "):\n" + failures.summary());
      assertThat(done[0] + done[1] + done[2] + done[3]).as("fuzzed frames").isGreaterThanOrEqualTo(20_000);
      assertThat(done[4]).as("fuzzed HTTP requests").isGreaterThanOrEqualTo(2_000);
      assertThat(failures.isEmpty()).as("fuzz failures (seed %d):%n%s", SEED, failures.summary()).isTrue();
    }
  }

  /** A door's runner, named, with the count of what it sent. */
  private record Door(String name, Runnable run, java.util.function.IntSupplier sent) {}

  /**
   * Runs every door at once, each on its own random stream split from {@code root} in a fixed order (HTTP on four
   * streams, so that requests the node leaves unanswered do not serialise their deadlines); returns the counts.
   */
  private static int[] round(String name, int port, int tcpPort, Budget b, SplittableRandom root, Failures failures) throws Exception {
    WsDoor raw = new WsDoor("raw ws", false, port, SECRET, FRAME_MAX, b.rawWs(), DEADLINE_MS, root.split(), failures, List.of("c0", "c1", "c2", "c3"));
    WsDoor sockjs = new WsDoor("sockjs ws", true, port, SECRET, FRAME_MAX, b.sockJsWs(), DEADLINE_MS, root.split(), failures, List.of("sj0", "sj1", "sj2"));
    XhrDoor xhr = new XhrDoor(port, SECRET, FRAME_MAX, b.xhr(), DEADLINE_MS, root.split(), failures);
    TcpDoor tcp = new TcpDoor(tcpPort, API_KEY, FRAME_MAX, b.tcp(), DEADLINE_MS, root.split(), failures);
    List<Door> doors = new ArrayList<>(List.of(new Door("raw ws", raw, raw::sent), new Door("sockjs ws", sockjs, sockjs::sent),
        new Door("xhr", xhr, xhr::sent), new Door("tcp", tcp, tcp::sent)));
    List<HttpDoor> https = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HttpDoor http = new HttpDoor(port, API_KEY, FRAME_MAX, b.http() / 4, DEADLINE_MS, root.split(), failures);
      https.add(http);
      doors.add(new Door("http " + i, http, http::sent));
    }
    ExecutorService pool = Executors.newFixedThreadPool(doors.size(), run -> {
      Thread t = new Thread(run, "fuzz-" + name);
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> all = new ArrayList<>();
      for (Door d : doors) {
        all.add(pool.submit(() -> {
          long t0 = System.nanoTime();
          d.run().run();
          System.out.printf("%s %s: %d sent in %.1f s%n", name, d.name(), d.sent().getAsInt(), (System.nanoTime() - t0) / 1e9);
        }));
      }
      for (Future<?> f : all) f.get(240, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    int http = https.stream().mapToInt(HttpDoor::sent).sum();
    System.out.printf("%s: raw ws %d frames on %d connections, sockjs ws %d on %d, xhr %d in %d sessions, tcp %d on %d, http %d%n",
        name, raw.sent(), raw.connections(), sockjs.sent(), sockjs.connections(), xhr.sent(), xhr.sessions(), tcp.sent(), tcp.connections(), http);
    return new int[] {raw.sent(), sockjs.sent(), xhr.sent(), tcp.sent(), http};
  }

  /**
   * A normal client after the fuzz: a fresh user registers with a good token, gets a publish and acks it; and a user the
   * fuzz acked for (fz-u0 / c0, acks of any seq) still gets a new publish after a reconnect without lastSeq.
   */
  private static void normalClient(VPushProcess node, Failures failures) {
    Vertx vertx = Vertx.vertx();
    try {
      for (String[] who : new String[][] {{"fz-normal-" + SEED, "app-1"}, {"fz-u0", "c0"}}) {
        String user = who[0];
        try (WsTestClient c = WsTestClient.connect(vertx, node.port())) {
          c.register(user, Jwt.good(SECRET, user), Map.of("clientId", who[1]));
          c.awaitControl("registered", WsTestClient.WAIT);
          String id = "fz-after-" + user;
          HttpResponse<String> pub = publish(node, new JsonObject().put("user", user).put("id", id).put("payload", new JsonObject().put("hi", 1)));
          if (pub.statusCode() != 202) {
            failures.add("after the fuzz: publish not accepted", "user " + user + " -> " + pub.statusCode() + " " + pub.body());
            continue;
          }
          JsonObject msg;
          try {
            msg = c.awaitFrame(f -> id.equals(WsTestClient.id(f)), WsTestClient.WAIT);
          } catch (AssertionError e) {
            failures.add("after the fuzz: a publish did not arrive", "user " + user + " clientId " + who[1]
                + " registered without lastSeq (the fuzz sent acks of any seq for fz-u0/c0): " + e.getMessage());
            continue;
          }
          JsonObject ack = c.request("vpush.ack", new JsonObject().put("seq", WsTestClient.seq(msg)));
          if (!Boolean.TRUE.equals(ack.getJsonObject("body", new JsonObject()).getValue("ok"))) {
            failures.add("after the fuzz: ack not confirmed", "user " + user + " -> " + ack.encode());
          }
        } catch (AssertionError e) {
          failures.add("after the fuzz: a normal client was not served", "user " + user + ": " + e.getMessage());
        }
      }
    } finally {
      WsTestClient.await(vertx.close());
    }
  }

  private static HttpResponse<String> publish(VPushProcess node, JsonObject body) {
    try {
      return HTTP.send(HttpRequest.newBuilder(node.uri("/api/v1/messages")).timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer " + API_KEY).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("publish failed: " + e, e);
    }
  }

  /** Used heap right after a full GC in the node ({@code jcmd GC.run}, then {@code GC.heap_info}). */
  private static long heapAfterGc(VPushProcess node) {
    OptionalLong v = ProcStats.heapAfterGcBytes(node.pid());
    if (v.isEmpty()) throw new AssertionError("jcmd could not read the node's heap");
    return v.getAsLong();
  }

  /**
   * The heap after GC must come back within 10% of its start: what the fuzz's connections held is freed once they are
   * gone. Measured until it does, for 30 s (closing sessions and SockJS timeouts free their share with a delay).
   */
  private static void heapComesBack(VPushProcess node, long start, Failures failures) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long now;
    do {
      now = heapAfterGc(node);
      if (now <= start * 1.10) {
        System.out.printf("heap after GC after the fuzz: %.1f MiB (start %.1f MiB)%n", now / 1048576.0, start / 1048576.0);
        return;
      }
      Thread.sleep(1000);
    } while (System.nanoTime() < deadline);
    failures.add("heap after GC did not come back within 10% of its start",
        String.format("start %.1f MiB, after the fuzz %.1f MiB (+%.0f%%)", start / 1048576.0, now / 1048576.0, 100.0 * (now - start) / start));
  }

  /** Waits (30 s at most) until the node holds no client connection, as {@code vpush_connections} says. */
  private static void awaitNoConnections(VPushProcess node) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    double v = Double.NaN;
    while (System.nanoTime() < deadline) {
      v = metric(node, "vpush_connections");
      if (v == 0) return;
      Thread.sleep(100);
    }
    System.out.println("still " + v + " connections after 30 s");
  }

  private static double metric(VPushProcess node, String name) throws Exception {
    String text = HTTP.send(HttpRequest.newBuilder(node.uri("/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  /** Client mistakes are not ERRORs: the node's log must have none after the fuzz. */
  private static void errorsInLog(VPushProcess node, Failures failures) {
    for (String line : node.log().lines().toList()) {
      if (line.contains(" ERROR ") || line.contains("\"level\":\"ERROR\"") || line.contains("OutOfMemoryError")) {
        failures.add("the node logged an ERROR", line);
      }
    }
  }

}
