package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Publish-to-receipt latencies in microseconds: an HdrHistogram {@link Recorder} that any thread may write,
 * cut into one interval histogram per wall-clock second for the latency-over-time chart.
 */
public final class LatencyRecorder {

  private static final long HIGHEST = 3_600_000_000L; // one hour in µs
  private static final int DIGITS = 3;

  private final Recorder recorder = new Recorder(HIGHEST, DIGITS);
  private final Histogram total = new Histogram(HIGHEST, DIGITS);
  private final TreeMap<Long, Histogram> perSecond = new TreeMap<>();
  private Histogram recycle;
  private long lastCut = -1;

  /** Records one latency; negative values (clock steps) count as zero. Thread-safe, wait-free. */
  public void record(long micros) {
    recorder.recordValue(Math.min(HIGHEST, Math.max(0, micros)));
  }

  /** Moves what was recorded since the last call into the second {@code epochSecond}; call from one thread. */
  public synchronized void cut(long epochSecond) {
    Histogram h = recorder.getIntervalHistogram(recycle);
    if (h.getTotalCount() > 0) {
      total.add(h);
      perSecond.computeIfAbsent(epochSecond, k -> new Histogram(HIGHEST, DIGITS)).add(h);
    }
    recycle = h;
    lastCut = epochSecond;
  }

  /**
   * Cuts what was recorded since the last periodic cut into the second after it (where it was recorded), so a final
   * cut at an arbitrary later moment does not move the tail of a run into a later second.
   */
  public synchronized void cutTail() {
    cut(lastCut < 0 ? System.currentTimeMillis() / 1_000 : lastCut + 1);
  }

  /** Adds another process's histograms (see {@link #toJson()}). */
  public synchronized void merge(JsonObject encoded) {
    total.add(decode(encoded.getString("total")));
    JsonObject secs = encoded.getJsonObject("perSecond", new JsonObject());
    for (String k : secs.fieldNames()) {
      perSecond.computeIfAbsent(Long.parseLong(k), x -> new Histogram(HIGHEST, DIGITS)).add(decode(secs.getString(k)));
    }
  }

  public synchronized Histogram total() { return total.copy(); }

  public synchronized Map<Long, Histogram> perSecond() {
    TreeMap<Long, Histogram> copy = new TreeMap<>();
    perSecond.forEach((k, v) -> copy.put(k, v.copy()));
    return copy;
  }

  /** Compressed histograms, to ship from a child load generator to its parent. */
  public synchronized JsonObject toJson() {
    JsonObject secs = new JsonObject();
    perSecond.forEach((k, v) -> secs.put(Long.toString(k), encode(v)));
    return new JsonObject().put("total", encode(total)).put("perSecond", secs);
  }

  /** The seconds {@code >= fromSec} merged into one histogram, encoded (see {@link #decodeHistogram}). */
  public synchronized String since(long fromSec) {
    Histogram h = new Histogram(HIGHEST, DIGITS);
    perSecond.tailMap(fromSec, true).values().forEach(h::add);
    return encode(h);
  }

  /** Encodes a histogram the way {@link #since} does. */
  public static String encodeHistogram(Histogram h) { return encode(h); }

  /** Decodes a histogram from {@link #since}. */
  public static Histogram decodeHistogram(String encoded) { return decode(encoded); }

  /** p50..max in milliseconds for the report. */
  public static JsonObject summary(Histogram h) {
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("p50Ms", ms(h.getValueAtPercentile(50)))
        .put("p90Ms", ms(h.getValueAtPercentile(90)))
        .put("p99Ms", ms(h.getValueAtPercentile(99)))
        .put("p999Ms", ms(h.getValueAtPercentile(99.9)))
        .put("maxMs", ms(h.getMaxValue()))
        .put("meanMs", Math.round(h.getMean()) / 1000.0);
  }

  /** One row per second: {t, count, p50Ms, p99Ms, maxMs}. */
  public JsonArray timeline() {
    JsonArray rows = new JsonArray();
    perSecond().forEach((sec, h) -> rows.add(new JsonObject().put("t", sec).put("count", h.getTotalCount())
        .put("p50Ms", ms(h.getValueAtPercentile(50))).put("p99Ms", ms(h.getValueAtPercentile(99)))
        .put("maxMs", ms(h.getMaxValue()))));
    return rows;
  }

  private static double ms(long micros) { return micros / 1000.0; }

  private static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int len = h.encodeIntoCompressedByteBuffer(buf);
    byte[] bytes = new byte[len];
    buf.flip();
    buf.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static Histogram decode(String s) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(s)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("bad histogram encoding", e);
    }
  }
}
