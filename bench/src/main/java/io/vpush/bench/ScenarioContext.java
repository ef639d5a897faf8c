package io.vpush.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** What a scenario works with: options, the target, the fleet, a publisher, meters, and small shared helpers. */
public final class ScenarioContext {

  private final Vertx vertx;
  private final BenchOptions options;
  private final Target target;
  private final Fleet fleet;
  private final List<Long> generatorPids;
  private final String userPrefix;
  private final int clients;
  private final ServerProfiler profiler;
  private Publisher publisher;

  ScenarioContext(Vertx vertx, BenchOptions options, Target target, Fleet fleet, List<Long> generatorPids,
                  String userPrefix, int clients, ServerProfiler profiler) {
    this.vertx = vertx;
    this.options = options;
    this.target = target;
    this.fleet = fleet;
    this.generatorPids = generatorPids;
    this.userPrefix = userPrefix;
    this.clients = clients;
    this.profiler = profiler;
  }

  public Vertx vertx() { return vertx; }

  public BenchOptions options() { return options; }

  public Target target() { return target; }

  public Fleet fleet() { return fleet; }

  public int clients() { return clients; }

  public String user(int i) { return userPrefix + i; }

  String userPrefix() { return userPrefix; }

  /**
   * The same run with other clients: {@code fleet} (whose processes are the load generator measured) for users
   * {@code <userPrefix><i>}, publishing through this context's publisher (closed with this context).
   */
  ScenarioContext withFleet(Fleet other, List<Long> otherGeneratorPids, String otherUserPrefix) {
    ScenarioContext c = new ScenarioContext(vertx, options, target, other, otherGeneratorPids, otherUserPrefix, clients,
        profiler);
    c.publisher = publisher();
    return c;
  }

  public String randomUser() { return user(ThreadLocalRandom.current().nextInt(clients)); }

  /** All users in chunks small enough for one publish body (the server caps body size and list length). */
  public List<List<String>> userChunks() {
    int size = options.integer("users-per-publish", 2_000);
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < clients; from += size) {
      List<String> c = new ArrayList<>();
      for (int i = from; i < Math.min(clients, from + size); i++) c.add(user(i));
      chunks.add(c);
    }
    return chunks;
  }

  public synchronized Publisher publisher() {
    if (publisher == null) publisher = Publisher.create(vertx, options.str("door", "http"), target, options);
    return publisher;
  }

  /**
   * A meter over the server pids, the target's and {@code --extra-pid} processes, the load generator, and Redis;
   * {@code --profiler} samples the server JVMs over the same windows.
   */
  ServerMeter meter() {
    List<String> extra = new ArrayList<>(target.extraPids());
    extra.addAll(options.list("extra-pid"));
    return new ServerMeter(target.serverPids(), extra, generatorPids, vertx, target.redisUrl()).profiling(profiler);
  }

  List<Long> generatorPids() { return generatorPids; }

  /** A message payload: its due time (epoch µs) for the latency, an index, and padding to {@code --payload-bytes}. */
  public JsonObject payload(long dueMicros, long index) {
    int pad = Math.max(0, options.integer("payload-bytes", 100) - 40);
    return new JsonObject().put("t", dueMicros).put("i", index).put("pad", "x".repeat(pad));
  }

  /**
   * Waits until the fleet has delivered at least {@code count} messages, or the deadline; true if reached.
   * A load-generator wait on remote processes' counters, so it polls.
   */
  public boolean awaitDelivered(long count, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (fleet.counters().delivered() < count) {
      if (System.currentTimeMillis() >= deadline) return false;
      Thread.sleep(20);
    }
    return true;
  }

  void closePublisher() {
    if (publisher != null) publisher.close().await();
  }

  static long epochSecond() { return System.currentTimeMillis() / 1_000; }

  static JsonObject perMessage(JsonObject meter, long messages) {
    Double cpu = meter.getDouble("serverCpuSeconds");
    double gen = meter.getDouble("loadgenCpuSeconds");
    Long redis = meter.getLong("redisCommands");
    JsonObject split = meter.getJsonObject("serverSplit", new JsonObject());
    return new JsonObject()
        .put("serverCpuMicrosPerMessage", messages == 0 || cpu == null ? null : cpu * 1e6 / messages)
        .put("serverSysMicrosPerMessage", micros(split.getDouble("sysSeconds"), messages))
        .put("serverJitMicrosPerMessage", micros(split.getDouble("jitSeconds"), messages))
        .put("serverGcMicrosPerMessage", micros(split.getDouble("gcSeconds"), messages))
        .put("loadgenCpuMicrosPerMessage", messages == 0 ? null : gen * 1e6 / messages)
        .put("redisCommandsPerMessage", messages == 0 || redis == null ? null : redis / (double) messages);
  }

  private static Double micros(Double seconds, long messages) {
    return messages == 0 || seconds == null ? null : seconds * 1e6 / messages;
  }
}
