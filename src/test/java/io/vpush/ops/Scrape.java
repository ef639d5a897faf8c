package io.vpush.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code GET /metrics} (Prometheus text) and sums the samples of a metric whose labels match. */
final class Scrape {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  final String text;

  private Scrape(String text) {
    this.text = text;
  }

  static Scrape of(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError("/metrics answered " + r.statusCode());
    return new Scrape(r.body());
  }

  /** Sum over the samples named {@code name} having every label in {@code labels} (k1, v1, k2, v2, ...); NaN if none. */
  double value(String name, String... labels) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) continue;
      Matcher m = LINE.matcher(line.trim());
      if (!m.matches() || !m.group(1).equals(name)) continue;
      Map<String, String> have = new HashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) have.put(l.group(1), l.group(2));
      }
      boolean ok = true;
      for (int i = 0; i < labels.length; i += 2) ok &= labels[i + 1].equals(have.get(labels[i]));
      if (!ok) continue;
      found = true;
      sum += Double.parseDouble(m.group(4));
    }
    return found ? sum : Double.NaN;
  }

  long count(String name, String... labels) {
    double v = value(name, labels);
    if (Double.isNaN(v)) throw new AssertionError("no sample " + name + " " + String.join(",", labels) + " in /metrics");
    return Math.round(v);
  }

  /**
   * Waits for a server-side effect that no client sees (a close handled after the socket is gone): re-scrapes
   * until {@code done} holds, 10 s at most.
   */
  static Scrape await(int port, java.util.function.Predicate<Scrape> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Scrape s = of(port);
      if (done.test(s)) return s;
      if (System.nanoTime() > deadline) throw new AssertionError("metrics condition not met within 10 s:\n" + s.text);
      Thread.sleep(20);
    }
  }
}
