package io.vpush.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A child load-generator process: holds a {@link LocalFleet} and obeys one-line commands on stdin
 * (CONNECT, ACKS on|off, RECONNECT replay deadlineMs, LATENCY fromSec, FINISH), answering one line each on stdout and printing
 * {@code STAT <counters>} every quarter second. {@link ForkedFleet} is the other end.
 */
final class FleetAgent {
  private FleetAgent() {}

  static int run(BenchOptions o) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8)); // nothing else may write on the channel
    Vertx vertx = Vertx.vertx();
    LocalFleet fleet = new LocalFleet(vertx, FleetConfig.fromAgentArgs(o));
    vertx.setPeriodic(250, id -> say(out, "STAT " + fleet.counters().toJson().encode()));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    try {
      while ((line = in.readLine()) != null) {
        String[] w = line.trim().split(" ");
        switch (w[0]) {
          case "CONNECT" -> say(out, "CONNECTED " + fleet.connectAll().await().encode());
          case "ACKS" -> { fleet.setAcking("on".equals(w[1])).await(); say(out, "OK"); }
          case "RECONNECT" -> say(out, "RECONNECTED "
              + fleet.reconnectAll(Boolean.parseBoolean(w[1]), Long.parseLong(w[2])).await().encode());
          case "LATENCY" -> say(out, "LATENCY " + new JsonObject()
              .put("h", fleet.latencySince(Long.parseLong(w[1])).await()).encode());
          case "FINISH" -> {
            Fleet.Result r = fleet.finish().await();
            say(out, "FINISHED " + new JsonObject().put("counters", r.counters().toJson())
                .put("latency", r.latency().toJson()).encode());
            return 0;
          }
          default -> say(out, "ERROR unknown command " + w[0]);
        }
      }
      return 0; // parent went away
    } finally {
      vertx.close().await();
    }
  }

  private static synchronized void say(PrintStream out, String line) {
    out.println(line);
  }
}
