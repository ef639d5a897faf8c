package io.vpush.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.VPushProcess;
import io.vpush.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP port against hostile and broken clients over raw sockets: every refusal is a 4xx with a JSON
 * reason (never a bare answer, never none, never an ERROR in the log); idle and slow-header connections are closed at
 * {@code http.idleTimeoutMs}; a client that pipelines requests and never reads the answers is closed while the heap
 * stays bounded and a normal client keeps receiving.
 */
class HttpPortAbuseIT {

  private static Vertx vertx;
  private static VPushProcess node;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    node = ProcessTraffic.production().name("http-abuse").heap("128m")
        .env(Map.of("VPUSH_HTTP_IDLE_TIMEOUT_MS", "1500", "VPUSH_ACCESS_INSTANCES", "2"))
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void everyRefusalIsAFourHundredWithAJsonReasonAndNoErrorIsLogged() throws Exception {
    String key = "Authorization: Bearer " + ProcessTraffic.API_KEY + "\r\n";
    assertJson400(exchange("GET /api/v1/nodes/" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri_too_long");
    assertJson400(exchange("GET /api/v1/users/%zz/connections HTTP/1.1\r\nHost: x\r\n" + key + "\r\n"), 400, "bad_request");
    assertJson400(exchange("DELETE /api/v1/users/a/connections?clientId=%zz HTTP/1.1\r\nHost: x\r\n" + key + "\r\n"), 400, "bad_request");
    assertJson400(exchange("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(20_000) + "\r\n\r\n"), 431, "headers_too_large");
    assertJson400(exchange("GET /health/live HTTP/2.0\r\nHost: x\r\n\r\n"), 400, "bad_request");
    assertJson400(exchange("GET /eventbus/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n"), 400, "bad_request");
    assertJson400(exchange("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n" + key + "Transfer-Encoding: chunked\r\n\r\n"
        + "fffffffffffffffffff\r\nabc\r\n0\r\n\r\n"), 400, "bad_request");
    // Expect: 100-continue is honoured (the client waits for it before its body).
    String body = new JsonObject().put("user", "expect-user").put("payload", 1).encode();
    Answer expect = exchange("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n" + key + "Content-Type: application/json\r\n"
        + "Expect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertThat(expect.status).as(expect.raw).isEqualTo(202);
    assertThat(expect.raw.split("100 Continue", -1)).as("one 100 Continue before the answer: " + expect.raw).hasSize(2);
    // A Content-Length over the limit is refused before the body is asked for.
    Answer tooBig = exchange("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n" + key + "Content-Type: application/json\r\n"
        + "Expect: 100-continue\r\nContent-Length: 100000000\r\n\r\n");
    assertThat(tooBig.status).as(tooBig.raw).isEqualTo(413);
    assertThat(tooBig.raw).doesNotContain("100 Continue");

    assertThat(node.log()).as("client mistakes are not ERRORs").doesNotContain(" ERROR ");
  }

  @Test
  void idleAndSlowHeaderConnectionsAreClosedAtTheIdleTimeout() throws Exception {
    long start = System.nanoTime();
    try (Socket idle = new Socket("127.0.0.1", node.port())) {
      idle.setSoTimeout(20_000);
      assertThat(idle.getInputStream().read()).as("an idle connection is closed").isEqualTo(-1);
    }
    try (Socket slow = new Socket("127.0.0.1", node.port())) {
      slow.setSoTimeout(100);
      OutputStream out = slow.getOutputStream();
      byte[] head = "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
      out.write(head);
      boolean closed = false;
      // The attacker's pace: a byte of header every 100 ms, forever (each read times out at 100 ms while it is open).
      for (int i = 0; i < 200 && !closed; i++) {
        try {
          out.write('a');
          out.flush();
          closed = slow.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
          // still open
        } catch (SocketException e) {
          closed = true;
        }
      }
      assertThat(closed).as("a header trickled byte by byte is closed").isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    Scrape.await(node.port(), s -> s.value("vpush_http_connections_closed_total", "reason", "idle") >= 2);
  }

  @Test
  void aClientThatPipelinesAndNeverReadsIsClosedAndOthersAreServed() throws Exception {
    String user = "http-abuse-ws";
    WsTestClient ws = WsTestClient.connect(vertx, node.port());
    ws.registered(user, ProcessTraffic.token(vertx, user), Map.of());

    // Requests with a wrong key, each answered 401 with a JSON body, never read.
    byte[] one = ("GET /api/v1/nodes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    for (int i = 0; i < 2_000; i++) batch.write(one);
    byte[] bytes = batch.toByteArray();
    AtomicLong written = new AtomicLong();
    Socket abuser = new Socket();
    abuser.setReceiveBufferSize(4096);
    abuser.connect(new java.net.InetSocketAddress("127.0.0.1", node.port()));
    CompletableFuture<Throwable> flood = CompletableFuture.supplyAsync(() -> {
      try {
        OutputStream out = abuser.getOutputStream();
        while (written.get() < 512L * 1024 * 1024) {
          out.write(bytes);
          written.addAndGet(bytes.length);
        }
        return null;
      } catch (IOException e) {
        return e;
      }
    });
    Throwable ended = flood.get(60, TimeUnit.SECONDS);
    assertThat(ended).as("the flood was cut, not absorbed (%d bytes written)", written.get()).isInstanceOf(IOException.class);
    Scrape after = Scrape.await(node.port(), s -> s.value("vpush_http_connections_closed_total", "reason", "queue_full") >= 1);
    assertThat(after.value("jvm_memory_used_bytes", "area", "heap")).isLessThan(128e6);
    abuser.close();

    ProcessTraffic.publish(node, new JsonObject().put("user", user).put("payload", new JsonObject().put("n", 1)));
    assertThat(ws.awaitMessage(WAIT).getJsonObject("body").getInteger("n")).isEqualTo(1);
    ws.close();
  }

  private static void assertJson400(Answer a, int status, String error) {
    assertThat(a.status).as(a.raw).isEqualTo(status);
    assertThat(a.raw.toLowerCase()).as(a.raw).contains("content-type: application/json");
    assertThat(new JsonObject(a.body).getString("error")).as(a.raw).isEqualTo(error);
  }

  private record Answer(int status, String body, String raw) {}

  /** Writes a request as it is (one connection, half-closed after it), reads the whole answer until the node closes. */
  private static Answer exchange(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(10_000);
      try {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
      } catch (SocketException e) {
        // refused before the whole request was written (an oversized head): read the answer
      }
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          got.write(buf, 0, n);
          String text = got.toString(StandardCharsets.ISO_8859_1);
          Answer a = parse(text);
          if (a != null) return a;
        }
      } catch (SocketException e) {
        // reset after the answer
      }
      String text = got.toString(StandardCharsets.ISO_8859_1);
      Answer a = parse(text);
      if (a == null) throw new AssertionError("no whole answer to " + request.substring(0, Math.min(120, request.length())) + ": " + text);
      return a;
    }
  }

  /** The last complete answer in {@code text} (after a 100 Continue, the final one), or null while it is incomplete. */
  private static Answer parse(String text) {
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) return null;
    String head = text.substring(0, headEnd);
    int status = Integer.parseInt(head.split(" ", 3)[1]);
    if (status == 100) {
      Answer rest = parse(text.substring(headEnd + 4));
      return rest == null ? null : new Answer(rest.status, rest.body, text);
    }
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
    }
    if (text.length() < headEnd + 4 + length) return null;
    return new Answer(status, text.substring(headEnd + 4, headEnd + 4 + length), text);
  }
}
