package io.vpush.client.chaos;

import io.vpush.testing.Hs256Tokens;
import io.vpush.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JS SDK's fleet: {@code clients/js/test/chaos-fleet.mjs} in one Node process, which reports every handler call
 * on its stdout ({@code M <user> <seq> <id>}); this class feeds those lines to the audit. Its clients take turns over
 * plain WebSocket, SockJS xhr-streaming and SockJS xhr-polling.
 */
final class JsSdkFleet implements SdkFleet {
  private static final Path SCRIPT = Path.of("clients/js/test/chaos-fleet.mjs");
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch statusDone = new CountDownLatch(1);
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean closing;
  private final Deque<String> lastErrors = new ArrayDeque<>();
  private Process node;
  private Writer stdin;

  @Override
  public void connect(List<String> urls, List<String> users, SeqAudit audit) throws Exception {
    if (!Files.isDirectory(Path.of("clients/js/node_modules"))) {
      throw new IllegalStateException("clients/js/node_modules is missing: run `npm ci` in clients/js (scripts/test.sh does)");
    }
    Path log = Files.createDirectories(Path.of("clients/java/target/chaos")).resolve("js-fleet-stderr.log");
    node = new ProcessBuilder(Processes.findOnPath("node"), SCRIPT.toString()).redirectError(log.toFile()).start();
    Thread reader = new Thread(() -> read(audit), "js-fleet-stdout");
    reader.setDaemon(true);
    reader.start();
    StringBuilder json = new StringBuilder("{\"urls\":[");
    for (int i = 0; i < urls.size(); i++) json.append(i == 0 ? "" : ",").append('"').append(urls.get(i)).append('"');
    json.append("],\"clients\":[");
    for (int i = 0; i < users.size(); i++) {
      String u = users.get(i);
      json.append(i == 0 ? "" : ",").append("{\"user\":\"").append(u).append("\",\"clientId\":\"").append(u)
          .append("-device\",\"token\":\"").append(Hs256Tokens.mint(ChaosCluster.SECRET, u, 3600)).append("\"}");
    }
    stdin = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    stdin.write(json.append("]}\n").toString());
    stdin.flush();
    if (!ready.await(60, TimeUnit.SECONDS)) throw new AssertionError("the JS fleet did not connect: " + summary());
  }

  private void read(SeqAudit audit) {
    Path events = Path.of("clients/java/target/chaos/js-fleet-events.log");
    try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
         Writer keep = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.startsWith("M ")) keep.write(line + "\n"); // states, gaps, errors: for a failure's post-mortem
        String[] f = line.split(" ", 5);
        switch (f[0]) {
          case "M" -> audit.handled(f[1], Long.parseLong(f[2]), f[3]);
          case "G" -> audit.gap(f[1], line);
          case "S" -> {
            if ("connected".equals(f[2])) connects.incrementAndGet();
            // A client that stops (kicked, auth) during the stream loses the rest of it: an error to name.
            else if ("closed".equals(f[2]) && !closing) error(line);
          }
          case "E" -> error(line);
          case "READY" -> ready.countDown();
          case "STATUS-END" -> statusDone.countDown();
          default -> { }
        }
      }
    } catch (Exception e) {
      error("reader: " + e);
    }
  }

  private synchronized void error(String line) {
    errors.incrementAndGet();
    lastErrors.addLast(line);
    if (lastErrors.size() > 5) lastErrors.removeFirst();
  }

  /** Asks every client for its state (T lines in js-fleet-events.log), for a failure's post-mortem. */
  @Override
  public void dumpState() throws Exception {
    stdin.write("status\n");
    stdin.flush();
    statusDone.await(10, TimeUnit.SECONDS);
  }

  @Override
  public synchronized String summary() {
    return "JS SDK fleet (Node), " + connects.get() + " connects, " + errors.get() + " errors, last: " + lastErrors;
  }

  @Override
  public void close() throws Exception {
    if (node == null) return;
    closing = true;
    try {
      stdin.write("close\n");
      stdin.flush();
    } catch (Exception e) {
      // the process is gone already
    }
    if (!node.waitFor(10, TimeUnit.SECONDS)) Processes.stop(node, Duration.ofSeconds(5));
  }
}
