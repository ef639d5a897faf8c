package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The server side's CPU seconds of a window summed over its processes: user and kernel time over the server and the
 * extras (as {@code serverCpuSeconds}), the kinds of thread over the server JVMs only (the extras are not split).
 */
final class CpuSplit {

  private double user;
  private double sys;
  private final Map<ThreadCpu.Kind, Double> kinds = new EnumMap<>(ThreadCpu.Kind.class);
  private int jvms;

  /** Adds one process; {@code threadKinds} is null for a process not split by thread. */
  void add(double userSeconds, double sysSeconds, Map<ThreadCpu.Kind, Double> threadKinds) {
    user += userSeconds;
    sys += sysSeconds;
    if (threadKinds == null) return;
    jvms++;
    threadKinds.forEach((k, v) -> kinds.merge(k, v, Double::sum));
  }

  /**
   * {userSeconds, sysSeconds, jitSeconds, gcSeconds, eventLoopSeconds, otherSeconds}: the first two null unless
   * {@code measured}, the kinds null when no server JVM's threads could be read.
   */
  JsonObject toJson(boolean measured) {
    JsonObject j = new JsonObject().put("userSeconds", measured ? user : null).put("sysSeconds", measured ? sys : null);
    for (ThreadCpu.Kind k : ThreadCpu.Kind.values()) j.put(k.field, jvms == 0 ? null : kinds.getOrDefault(k, 0.0));
    return j;
  }

  /**
   * A step's server sys, jit and gc µs per message put into {@code format} (three %s), each through {@code number};
   * empty for a report without them (older runs).
   */
  static String perMessage(JsonObject step, String format, Function<Double, String> number) {
    Double sys = step.getDouble("serverSysMicrosPerMessage");
    Double jit = step.getDouble("serverJitMicrosPerMessage");
    Double gc = step.getDouble("serverGcMicrosPerMessage");
    if (sys == null && jit == null && gc == null) return "";
    return String.format(format, number.apply(sys), number.apply(jit), number.apply(gc));
  }
}
