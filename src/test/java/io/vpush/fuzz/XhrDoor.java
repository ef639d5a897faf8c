package io.vpush.fuzz;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fuzzes SockJS's polling transport as a browser without WebSocket uses it: {@code xhr} opens a session,
 * {@code xhr_send} carries a JSON array of frames (hostile ones here, and hostile bodies), {@code xhr} polls for the
 * answers. Every request must be answered within the deadline without a 5xx, and a probe sent with each frame must
 * come back through the poll.
 */
final class XhrDoor implements Runnable {

  private final int port;
  private final String secret;
  private final int frameMaxBytes;
  private final int budget;
  private final long deadlineMs;
  private final SplittableRandom r;
  private final Odd odd;
  private final ClientFrameFuzz fuzz;
  private final Failures failures;
  private final HttpClient http;
  private int sent;
  private int sessions;
  private int probes;

  XhrDoor(int port, String secret, int frameMaxBytes, int budget, long deadlineMs, SplittableRandom r, Failures failures) {
    this.port = port;
    this.secret = secret;
    this.frameMaxBytes = frameMaxBytes;
    this.budget = budget;
    this.deadlineMs = deadlineMs;
    this.r = r;
    this.odd = new Odd(r);
    this.fuzz = new ClientFrameFuzz(odd, secret, List.of("x0", "x1"));
    this.failures = failures;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(deadlineMs)).build();
  }

  int sent() {
    return sent;
  }

  private String lastRequest = "(none)";

  int sessions() {
    return sessions;
  }

  @Override
  public void run() {
    while (sent < budget) {
      int s = sessions++;
      try {
        session(s);
      } catch (IOException e) {
        failures.add("xhr: I/O error talking to the node", "session " + s + ": " + e + " (last request: " + lastRequest + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private HttpResponse<String> post(String path, String body, String what) throws IOException, InterruptedException {
    lastRequest = "POST " + path + " " + Failures.abbreviate(what, 120);
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofMillis(deadlineMs))
        .header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> resp;
      try {
        resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        // vertx-web's SockJS closes a connection after each poll's answer; a keep-alive client whose next request went
        // out on it before it saw the close gets no bytes. A browser sends such a request again, on a new connection.
        if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) throw e;
        resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      }
      if (resp.statusCode() >= 500) {
        failures.add("xhr: " + path.substring(path.lastIndexOf('/') + 1) + " answered " + resp.statusCode(),
            what + " -> " + Failures.abbreviate(resp.body(), 200));
      }
      return resp;
    } catch (HttpTimeoutException e) {
      failures.add("xhr: hang, " + path.substring(path.lastIndexOf('/') + 1) + " unanswered within " + deadlineMs + " ms", what);
      return null;
    }
  }

  private void session(int index) throws IOException, InterruptedException {
    String base = "/eventbus/" + r.nextInt(1000) + "/fz" + Long.toHexString(r.nextLong()) + "/";
    HttpResponse<String> open = post(base + "xhr", "", "open " + base);
    if (open == null || open.statusCode() != 200 || !open.body().startsWith("o")) {
      if (open != null) failures.add("xhr: session open did not answer 200 o", base + " -> " + open.statusCode() + " " + open.body());
      return;
    }
    List<String> setup = new ArrayList<>();
    if (odd.chance(0.5)) {
      String user = odd.pick(ClientFrameFuzz.USERS);
      setup.add(new JsonObject().put("type", "register").put("address", "vpush.user." + user)
          .put("headers", new JsonObject().put("token", Jwt.good(secret, user)).put("clientId", odd.pick(List.of("x0", "x1")))).encode());
      if (!exchange(base, setup, "good register")) return;
    }
    int n = odd.between(5, 30);
    for (int i = 0; i < n && sent < budget; i++) {
      double roll = r.nextDouble();
      if (roll < 0.1) {
        // Not a SockJS payload: the node refuses it with a 4xx (SockJS's own answer is a 500, which is a defect here).
        String body = odd.pick(List.of("", "not json", "{\"type\":\"ping\"}", "[1,2]", "[\"a\"", "[" + "\"x\",".repeat(3) + "null]",
            "[\"" + "z".repeat(4 * frameMaxBytes) + "\"]"));
        HttpResponse<String> resp = post(base + "xhr_send", body, "xhr_send body " + Failures.abbreviate(body, 100));
        sent++;
        if (resp == null || resp.statusCode() == 404) return;
        continue;
      }
      ClientFrameFuzz.Made m = fuzz.next();
      sent++;
      if (!exchange(base, List.of(m.text()), m.kind() + " " + m.text())) return;
    }
  }

  /**
   * Sends {@code frames} plus a probe in one xhr_send and polls until the probe's answer comes; false when the session
   * is over (closed, refused, or a failure already recorded).
   */
  private boolean exchange(String base, List<String> frames, String what) throws IOException, InterruptedException {
    String probeId = "fz-xprobe-" + (probes++);
    JsonArray payload = new JsonArray();
    frames.forEach(payload::add);
    payload.add("{\"type\":\"send\",\"address\":\"vpush.fz.probe\",\"replyAddress\":\"" + probeId + "\"}");
    HttpResponse<String> send = post(base + "xhr_send", payload.encode(), what);
    if (send == null || send.statusCode() >= 500) return true;
    if (send.statusCode() == 404) return false;
    // A body over the node's limit for a send (twice the WebSocket codec's 4x frame.maxBytes) is refused before it is read.
    if (send.statusCode() == 413 && payload.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 8L * frameMaxBytes) return false;
    if (send.statusCode() != 204) {
      failures.add("xhr: xhr_send of a valid SockJS payload answered " + send.statusCode(), what);
      return false;
    }
    long deadline = System.nanoTime() + deadlineMs * 1_000_000;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> poll = post(base + "xhr", "", "poll after " + what);
      if (poll == null) return false;
      if (poll.statusCode() != 200) return false;
      for (String line : poll.body().split("\n")) {
        if (line.startsWith("c[")) return false;
        if (!line.startsWith("a[")) continue;
        for (Object o : new JsonArray(line.substring(1))) {
          JsonObject f = new JsonObject((String) o);
          if ("err".equals(f.getValue("type")) && ("internal_error".equals(f.getValue("failureType")) || Integer.valueOf(500).equals(f.getValue("failureCode")))) {
            failures.add("xhr: internal_error frame", f.encode() + " for " + Failures.abbreviate(what, 400));
          }
          if (probeId.equals(f.getValue("address"))) return true;
        }
      }
    }
    failures.add("xhr: hang, probe not answered through the poll within " + deadlineMs + " ms", Failures.abbreviate(what, 400));
    return false;
  }

  static String quote(String s) {
    return Json.encode(s);
  }
}
