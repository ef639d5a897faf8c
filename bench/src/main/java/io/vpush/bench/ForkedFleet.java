package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Clients spread over child JVMs ({@link FleetAgent}), because one process here cannot hold more than ~19,500 sockets.
 * Commands go to every child at once; answers are merged (sums, and the slowest child's durations). Any child that
 * speaks the agent's protocol will do: {@link #of} takes processes started otherwise (the Node storm of
 * {@link ReconnectJsScenario}).
 */
public final class ForkedFleet implements Fleet {

  private final Vertx vertx;
  private final List<Child> children = new ArrayList<>();

  public ForkedFleet(Vertx vertx, List<FleetConfig> parts, List<String> jvmArgs) throws IOException {
    this.vertx = vertx;
    for (FleetConfig part : parts) {
      List<String> args = new ArrayList<>(List.of("agent"));
      args.addAll(part.toArgs());
      children.add(new Child(JvmFork.start(jvmArgs, BenchCommand.class.getName(), args, Map.of(), false)));
    }
  }

  private ForkedFleet(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A fleet of already started children that speak {@link FleetAgent}'s protocol on their stdin and stdout. */
  static ForkedFleet of(Vertx vertx, List<Process> processes) {
    ForkedFleet f = new ForkedFleet(vertx);
    processes.forEach(p -> f.children.add(new Child(p)));
    return f;
  }

  /** Child process ids, so their CPU can be reported as the load generator's. */
  public List<Long> pids() { return children.stream().map(c -> c.process.pid()).toList(); }

  @Override
  public Future<JsonObject> connectAll() {
    return ask("CONNECT", "CONNECTED", 600_000).map(rs -> {
      JsonObject m = sum(rs, "registered", "failed");
      return m.put("durationMs", max(rs, "durationMs"));
    });
  }

  @Override
  public FleetCounters.Snapshot counters() {
    FleetCounters.Snapshot s = FleetCounters.Snapshot.ZERO;
    for (Child c : children) s = s.plus(c.stat);
    return s;
  }

  @Override
  public Future<Void> setAcking(boolean on) {
    return ask("ACKS " + (on ? "on" : "off"), "OK", 10_000).mapEmpty();
  }

  @Override
  public Future<JsonObject> reconnectAll(boolean expectReplay, long deadlineMs) {
    return ask("RECONNECT " + expectReplay + " " + deadlineMs, "RECONNECTED", deadlineMs + 60_000).map(rs -> {
      JsonObject m = sum(rs, "reconnected", "failed");
      m.put("registeredMs", max(rs, "registeredMs"));
      if (expectReplay) {
        m.mergeIn(sum(rs, "caughtUp", "missing"));
        boolean all = rs.stream().allMatch(r -> r.getValue("caughtUpMs") != null);
        m.put("caughtUpMs", all ? max(rs, "caughtUpMs") : null);
      }
      return m;
    });
  }

  @Override
  public Future<String> latencySince(long fromSec) {
    return ask("LATENCY " + fromSec, "LATENCY", 30_000).map(rs -> {
      org.HdrHistogram.Histogram h = LatencyRecorder.decodeHistogram(rs.get(0).getString("h"));
      for (int i = 1; i < rs.size(); i++) h.add(LatencyRecorder.decodeHistogram(rs.get(i).getString("h")));
      return LatencyRecorder.encodeHistogram(h);
    });
  }

  @Override
  public Future<Result> finish() {
    return ask("FINISH", "FINISHED", 60_000).map(rs -> {
      LatencyRecorder merged = new LatencyRecorder();
      FleetCounters.Snapshot s = FleetCounters.Snapshot.ZERO;
      for (JsonObject r : rs) {
        // A child that records no latency (the Node storm: reconnect measures none) leaves it out.
        if (r.containsKey("latency")) merged.merge(r.getJsonObject("latency"));
        s = s.plus(FleetCounters.Snapshot.fromJson(r.getJsonObject("counters")));
      }
      children.forEach(c -> Processes.stop(c.process, JvmFork.STOP_GRACE));
      return new Result(s, merged);
    });
  }

  /** Sends a command to every child and collects each one's answer, off the event loop (it blocks on pipes). */
  private Future<List<JsonObject>> ask(String command, String answer, long timeoutMs) {
    return vertx.executeBlocking(() -> {
      children.forEach(c -> c.send(command));
      List<JsonObject> out = new ArrayList<>();
      for (Child c : children) {
        String line = c.answers.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (line == null || !line.startsWith(answer)) {
          throw new IllegalStateException("child " + c.process.pid() + " answered " + line + " to " + command);
        }
        String rest = line.substring(answer.length()).trim();
        out.add(rest.isEmpty() ? new JsonObject() : new JsonObject(rest));
      }
      return out;
    }, false);
  }

  private static JsonObject sum(List<JsonObject> rs, String... keys) {
    JsonObject m = new JsonObject();
    for (String k : keys) m.put(k, rs.stream().mapToLong(r -> r.getLong(k, 0L)).sum());
    return m;
  }

  private static double max(List<JsonObject> rs, String key) {
    return rs.stream().mapToDouble(r -> r.getDouble(key, 0.0)).max().orElse(0);
  }

  /** One child process: its command pipe, its answers, and its latest status line. */
  private static final class Child {
    final Process process;
    final PrintStream in;
    final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
    volatile FleetCounters.Snapshot stat = FleetCounters.Snapshot.ZERO;

    Child(Process process) {
      this.process = process;
      this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(this::read, "bench-child-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    void send(String command) { in.println(command); }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("STAT ")) stat = FleetCounters.Snapshot.fromJson(new JsonObject(line.substring(5)));
          else answers.add(line);
        }
      } catch (IOException e) {
        answers.add("ERROR " + e.getMessage());
      }
      answers.add("EXITED");
    }
  }
}
