package io.vpush.fuzz;

import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Fuzzes the HTTP port with requests written byte by byte: publishes with and without the key and with hostile bodies,
 * the admin API with odd ids, odd methods, paths and headers, and broken HTTP framing. Every request is answered within
 * the deadline (or, when it is cut short on purpose, answered or closed), never with a 5xx, and an error answer on
 * {@code /api/} is JSON with an {@code error}.
 */
final class HttpDoor implements Runnable {

  /** One request: its bytes, whether the node owes an answer, and the path (for the JSON rule). */
  record Req(String label, byte[] bytes, boolean owed, boolean halfClose, String path) {}

  private final int port;
  private final String apiKey;
  private final int bodyMaxBytes;
  private final int budget;
  private final long deadlineMs;
  private final Odd odd;
  private final PublishFuzz publish;
  private final Failures failures;
  private int sent;

  HttpDoor(int port, String apiKey, int bodyMaxBytes, int budget, long deadlineMs, SplittableRandom r, Failures failures) {
    this.port = port;
    this.apiKey = apiKey;
    this.bodyMaxBytes = bodyMaxBytes;
    this.budget = budget;
    this.deadlineMs = deadlineMs;
    this.odd = new Odd(r);
    this.publish = new PublishFuzz(odd);
    this.failures = failures;
  }

  int sent() {
    return sent;
  }

  @Override
  public void run() {
    for (; sent < budget; sent++) {
      Req req = next();
      try {
        exchange(req);
      } catch (IOException e) {
        failures.add("http: I/O error talking to the node", req.label() + ": " + e);
      }
    }
  }

  private String auth() {
    return switch (odd.r.nextInt(10)) {
      case 0 -> "";
      case 1 -> "Authorization: Bearer wrong-key\r\n";
      case 2 -> "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString("a:b".getBytes()) + "\r\n";
      case 3 -> "Authorization: Bearer\r\n";
      case 4 -> "Authorization: bearer " + apiKey + "\r\nAuthorization: Bearer x\r\n";
      case 5 -> "Authorization: Bearer " + apiKey + "x".repeat(odd.pick(List.of(1, 9000))) + "\r\n";
      default -> "Authorization: Bearer " + apiKey + "\r\n";
    };
  }

  private static Req req(String label, String head, byte[] body, boolean owed, String path) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return new Req(label, all, owed, false, path);
  }

  private String close() {
    return odd.chance(0.7) ? "Connection: close\r\n" : "";
  }

  private Req next() {
    double roll = odd.r.nextDouble();
    if (roll < 0.40) return publishReq();
    if (roll < 0.55) return adminReq();
    if (roll < 0.65) {
      String method = odd.pick(List.of("PUT", "PATCH", "OPTIONS", "TRACE", "HEAD", "FOO", "get", "DELETE", "POST", "PRI", "CONNECT"));
      String path = odd.pick(List.of("/api/v1/messages", "/api/v1/users/fz-u0", "/api/v1/nodes", "/health/ready", "/eventbus/info", "/metrics", "/"));
      String body = method.equals("HEAD") || method.equals("get") ? "" : "{}";
      return req(method + " " + path, method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + auth() + close()
          + "Content-Length: " + body.length() + "\r\n\r\n", body.getBytes(), true, path);
    }
    if (roll < 0.75) {
      String path = odd.pick(List.of("/health/live", "/health/ready", "/metrics", "/dashboard", "/", "/index.html", "/webjars/x.js",
          "/eventbus/info", "/eventbus/iframe.html", "/eventbus/websocket", "/eventbus/1/2/websocket", "/eventbus/1/2/xhr_send",
          "/../../etc/passwd", "/%2e%2e/%2e%2e/", "/api", "/api/", "/api/v2/x", "//", "/a?b=%zz", "/api/v1/users/%zz", "/%00",
          "/api/v1/users/" + "%41".repeat(3000), "/eventbus/%zz/%zz/xhr", "/eventbus/info?t=%zz", "/api/v1/nodes?x=" + "y".repeat(5000)));
      return req("GET " + Failures.abbreviate(path, 80), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth() + close() + "\r\n",
          new byte[0], true, path);
    }
    if (roll < 0.90) return brokenHttp();
    return bodyEdge();
  }

  private Req publishReq() {
    String body = publish.text();
    byte[] b = odd.chance(0.05) ? odd.invalidUtf8(body) : body.getBytes(StandardCharsets.UTF_8);
    String ct = odd.pick(List.of("application/json", "application/json", "text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/json; charset=latin1", ""));
    String head = "POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth() + close() + (ct.isEmpty() ? "" : "Content-Type: " + ct + "\r\n");
    if (odd.chance(0.15)) {
      // The same body, chunked.
      ByteArrayOutputStream chunked = new ByteArrayOutputStream();
      int at = 0;
      while (at < b.length) {
        int n = Math.min(b.length - at, odd.between(1, 64));
        chunked.writeBytes((Integer.toHexString(n) + "\r\n").getBytes());
        chunked.write(b, at, n);
        chunked.writeBytes("\r\n".getBytes());
        at += n;
      }
      chunked.writeBytes("0\r\n\r\n".getBytes());
      return req("chunked publish " + body, head + "Transfer-Encoding: chunked\r\n\r\n", chunked.toByteArray(), true, "/api/v1/messages");
    }
    return req("publish " + ct + " " + body, head + "Content-Length: " + b.length + "\r\n\r\n", b, true, "/api/v1/messages");
  }

  private Req adminReq() {
    String id = odd.chance(0.5) ? odd.pick(ClientFrameFuzz.USERS)
        : odd.pick(List.of("%zz", "%00", "a%2Fb", "..", "%2e%2e", "x".repeat(odd.pick(List.of(100, 3000, 9000))), "%F0%9F%98%80", "%C0%AF", "a;b", "a%20b"));
    String path = switch (odd.r.nextInt(4)) {
      case 0 -> "/api/v1/users/" + id;
      case 1 -> "/api/v1/users/" + id + "/connections" + (odd.chance(0.5) ? "?clientId=" + odd.pick(List.of("c0", "%zz", "", "a&clientId=b")) : "");
      case 2 -> "/api/v1/nodes" + (odd.chance(0.3) ? "?limit=-1" : "");
      default -> "/api/v1/users/" + id + "/" + odd.pick(List.of("x", "connections/x", ""));
    };
    String method = path.contains("/connections") && odd.chance(0.7) ? "DELETE" : odd.pick(List.of("GET", "GET", "DELETE", "POST"));
    return req(method + " " + Failures.abbreviate(path, 100), method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth() + close()
        + "Content-Length: 0\r\n\r\n", new byte[0], true, path);
  }

  private Req brokenHttp() {
    String k = "Authorization: Bearer " + apiKey + "\r\n";
    String pub = "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n" + k;
    String okBody = "{\"user\":\"fz-u1\",\"payload\":1}";
    return switch (odd.r.nextInt(16)) {
      case 0 -> req("upgrade without Sec-WebSocket-Key", "GET /eventbus/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n", new byte[0], true, "/eventbus/websocket");
      case 1 -> req("chunk size overflow", pub + "Transfer-Encoding: chunked\r\n\r\n", "FFFFFFFFFFFFFFFFFFFF\r\nabc\r\n".getBytes(), true, "/api/v1/messages");
      case 2 -> req("Content-Length -1", pub + "Content-Length: -1\r\n\r\n", okBody.getBytes(), true, "/api/v1/messages");
      case 3 -> req("two Content-Lengths", pub + "Content-Length: 5\r\nContent-Length: " + okBody.length() + "\r\n\r\n", okBody.getBytes(), true, "/api/v1/messages");
      case 4 -> req("Content-Length and chunked", pub + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", ("1c\r\n" + okBody + "\r\n0\r\n\r\n").getBytes(), true, "/api/v1/messages");
      case 5 -> req("header without colon", "GET /health/live HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", new byte[0], true, "/health/live");
      case 6 -> req("header of 20 KiB", "GET /api/v1/nodes HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", new byte[0], true, "/api/v1/nodes");
      case 7 -> req("request line of 9 KiB", "GET /api/v1/users/" + "u".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n" + k + "\r\n", new byte[0], true, "/api/v1/users/");
      case 8 -> req("HTTP/2.0 request line", "GET /health/live HTTP/2.0\r\nHost: x\r\n\r\n", new byte[0], true, "/health/live");
      case 9 -> req("HTTP/1.0 without Host", "GET /api/v1/nodes HTTP/1.0\r\n" + k + "\r\n", new byte[0], true, "/api/v1/nodes");
      case 10 -> req("absolute-form URI", "GET http://evil.example/api/v1/nodes HTTP/1.1\r\nHost: x\r\n" + k + "\r\n", new byte[0], true, "/api/v1/nodes");
      case 11 -> req("obs-fold header", "GET /api/v1/nodes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n " + apiKey + "\r\n\r\n", new byte[0], true, "/api/v1/nodes");
      case 12 -> req("NUL in a header", "GET /api/v1/nodes HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n" + k + "\r\n", new byte[0], true, "/api/v1/nodes");
      case 13 -> req("Expect: 100-continue", pub + "Expect: 100-continue\r\nContent-Length: " + okBody.length() + "\r\n\r\n", okBody.getBytes(), true, "/api/v1/messages");
      case 14 -> req("300 headers", "GET /health/live HTTP/1.1\r\nHost: x\r\n" + "X-H: v\r\n".repeat(300) + "\r\n", new byte[0], true, "/health/live");
      // Empty lines before a request line are skipped (RFC 9112 2.2): alone they owe nothing, so one follows.
      default -> req("garbage request line", odd.pick(List.of("\r\n\r\nGET /health/live HTTP/1.1\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n", "\u0016\u0003\u0001\u0000\u00a5\r\n\r\n",
          "GET /health/live HTTP/1.1\n\n", "G E T / HTTP/1.1\r\n\r\n")), new byte[0], true, "/");
    };
  }

  private Req bodyEdge() {
    String pub = "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n" + auth();
    return switch (odd.r.nextInt(4)) {
      case 0 -> {
        byte[] big = ("{\"user\":\"fz-u2\",\"payload\":\"" + "p".repeat(bodyMaxBytes + odd.between(1, 3 * bodyMaxBytes)) + "\"}").getBytes();
        yield req("body over the limit", pub + "Content-Type: application/json\r\nContent-Length: " + big.length + "\r\n\r\n", big, true, "/api/v1/messages");
      }
      case 1 -> req("empty body", pub + "Content-Length: 0\r\n\r\n", new byte[0], true, "/api/v1/messages");
      case 2 -> req("gzip body that is not gzip", pub + "Content-Encoding: gzip\r\nContent-Length: 10\r\n\r\n", "not gzip!!".getBytes(), true, "/api/v1/messages");
      default -> {
        Req r = req("body shorter than its Content-Length, then half-closed", pub + "Content-Length: 500\r\n\r\n", "{\"user\":".getBytes(), false, "/api/v1/messages");
        yield new Req(r.label(), r.bytes(), false, true, r.path());
      }
    };
  }

  private void exchange(Req req) throws IOException {
    long deadline = System.nanoTime() + deadlineMs * 1_000_000;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setTcpNoDelay(true);
      try {
        s.getOutputStream().write(req.bytes());
        if (req.halfClose()) s.shutdownOutput();
      } catch (SocketException e) {
        // The node may refuse and close before the whole request is written (an oversized header): read its answer.
      }
      InputStream in = new BufferedInputStream(s.getInputStream());
      Integer status;
      String body;
      try {
        String statusLine = line(s, in, deadline);
        status = parseStatus(statusLine);
        if (status == null) {
          failures.add("http: answer without an HTTP status line", req.label() + " -> " + Failures.abbreviate(statusLine, 100));
          return;
        }
        // 1xx, 204 and 304 answers have no body (RFC 9110 6.4.1): their headers end them; after a 100 the final answer follows.
        body = rest(s, in, deadline, noBody(status) || req.label().startsWith("HEAD"));
        if (status == 100) {
          status = parseStatus(line(s, in, deadline));
          body = status == null ? "" : rest(s, in, deadline, noBody(status));
          if (status == null) return;
        }
      } catch (SocketTimeoutException e) {
        failures.add("http: hang, no answer " + (req.owed() ? "" : "and no close ") + "within " + deadlineMs + " ms", req.label());
        return;
      } catch (EOFException | SocketException e) {
        if (req.owed()) failures.add("http: connection closed without an answer", req.label());
        return;
      }
      // 505 is what RFC 9110 prescribes for an HTTP version the server does not speak; any other 5xx is the node's fault.
      if (status >= 500 && status != 505) failures.add("http: " + status + " answer", req.label() + " -> " + Failures.abbreviate(body, 200));
      if (status >= 400 && req.path().startsWith("/api/") && !req.label().startsWith("HEAD") && !isJsonError(body)) {
        failures.add("http: " + status + " on /api/ is not a JSON {error}", req.label() + " -> " + Failures.abbreviate(body, 150));
      }
    }
  }

  private static boolean noBody(int status) {
    return status < 200 || status == 204 || status == 304;
  }

  private static boolean isJsonError(String body) {
    try {
      return new JsonObject(body).getValue("error") instanceof String;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Integer parseStatus(String line) {
    if (line == null || !line.matches("HTTP/\\d\\.\\d \\d{3}( .*)?")) return null;
    try {
      return Integer.parseInt(line.substring(9, 12));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Reads the headers and the body (by Content-Length, chunked, or to the close); only the headers when {@code noBody}. */
  private static String rest(Socket s, InputStream in, long deadline, boolean noBody) throws IOException {
    long length = -1;
    boolean chunked = false;
    for (String h = line(s, in, deadline); !h.isEmpty(); h = line(s, in, deadline)) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) length = Long.parseLong(lower.substring(15).trim());
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
    }
    if (noBody) return "";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      while (true) {
        int n = Integer.parseInt(line(s, in, deadline).split(";")[0].trim(), 16);
        if (n == 0) {
          line(s, in, deadline);
          break;
        }
        for (int i = 0; i < n; i++) body.write(read(s, in, deadline));
        line(s, in, deadline);
      }
    } else if (length >= 0) {
      for (long i = 0; i < length; i++) body.write(read(s, in, deadline));
    } else {
      try {
        for (int c = readOrEnd(s, in, deadline); c >= 0; c = readOrEnd(s, in, deadline)) body.write(c);
      } catch (SocketException e) {
        // reset after the answer: what came is the body
      }
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  private static int readOrEnd(Socket s, InputStream in, long deadline) throws IOException {
    s.setSoTimeout(WsWire.remainingMs(deadline));
    return in.read();
  }

  private static int read(Socket s, InputStream in, long deadline) throws IOException {
    int c = readOrEnd(s, in, deadline);
    if (c < 0) throw new EOFException();
    return c;
  }

  private static String line(Socket s, InputStream in, long deadline) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = read(s, in, deadline);
      if (c == '\n') break;
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
