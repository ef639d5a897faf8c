package io.vpush.fuzz;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fuzzes the TCP event-bus bridge (4-byte big-endian length, then JSON): hostile frames, each followed by a ping that
 * must get its pong, and hostile framing (empty, oversized, lying and cut-off length prefixes) that must end in an
 * answer or a close within the deadline. No {@code internal_error} may come back, and every frame with a replyAddress
 * is answered at it.
 */
final class TcpDoor implements Runnable {

  private final int port;
  private final String apiKey;
  private final int frameMaxBytes;
  private final int budget;
  private final long deadlineMs;
  private final Odd odd;
  private final PublishFuzz publish;
  private final Failures failures;
  private int sent;
  private int connections;
  private int replies;

  TcpDoor(int port, String apiKey, int frameMaxBytes, int budget, long deadlineMs, SplittableRandom r, Failures failures) {
    this.port = port;
    this.apiKey = apiKey;
    this.frameMaxBytes = frameMaxBytes;
    this.budget = budget;
    this.deadlineMs = deadlineMs;
    this.odd = new Odd(r);
    this.publish = new PublishFuzz(odd);
    this.failures = failures;
  }

  int sent() {
    return sent;
  }

  int connections() {
    return connections;
  }

  @Override
  public void run() {
    while (sent < budget) {
      int c = connections++;
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setTcpNoDelay(true);
        conversation(c, s);
      } catch (IOException e) {
        failures.add("tcp: I/O error talking to the node", "connection " + c + ": " + e);
      }
    }
  }

  private final class Conversation {
    final int index;
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    final Map<String, ArrayDeque<String>> owed = new HashMap<>();
    String lastSent = "(none)";
    boolean ended;

    Conversation(int index, Socket socket) throws IOException {
      this.index = index;
      this.socket = socket;
      this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      this.out = socket.getOutputStream();
    }

    String where() {
      return "tcp connection " + index;
    }

    void owe(List<String> keys, String text) {
      for (String k : keys) owed.computeIfAbsent(k, x -> new ArrayDeque<>()).add(text);
    }

    /** Reads frames until {@code until} holds or the socket ends; false when the deadline passes first. */
    boolean readUntil(java.util.function.BooleanSupplier until) throws IOException {
      long deadline = System.nanoTime() + deadlineMs * 1_000_000;
      while (!ended && !until.getAsBoolean()) {
        try {
          socket.setSoTimeout(WsWire.remainingMs(deadline));
          int len = in.readInt();
          if (len < 0 || len > 16 * 1024 * 1024) throw new IOException("node sent a frame length of " + len);
          byte[] b = new byte[len];
          in.readFully(b);
          onFrame(new String(b, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
          return false;
        } catch (EOFException | SocketException e) {
          ended = true;
        }
      }
      return true;
    }

    void onFrame(String text) {
      JsonObject f;
      try {
        f = new JsonObject(text);
      } catch (RuntimeException e) {
        failures.add("tcp: node sent a frame that is not a JSON object", where() + ": " + text);
        return;
      }
      Object type = f.getValue("type");
      Object address = f.getValue("address");
      if ("err".equals(type) && ("internal_error".equals(f.getValue("failureType")) || Integer.valueOf(500).equals(f.getValue("failureCode")))) {
        failures.add("tcp: internal_error frame", where() + ": answer " + text + " to " + lastSent);
      }
      String key = "pong".equals(type) ? "pong" : address instanceof String a ? a : "";
      ArrayDeque<String> q = owed.get(key);
      if (q != null) {
        q.poll();
        if (q.isEmpty()) owed.remove(key);
      }
    }

    void write(byte[] payload, int lengthPrefix) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 4);
      b.write(lengthPrefix >>> 24);
      b.write(lengthPrefix >>> 16);
      b.write(lengthPrefix >>> 8);
      b.write(lengthPrefix);
      b.write(payload);
      out.write(b.toByteArray());
    }
  }

  private void conversation(int index, Socket s) throws IOException {
    Conversation c = new Conversation(index, s);
    try {
      talk(c, s);
    } catch (java.net.SocketException e) {
      // The node closed while this side was still writing (past a frame it refuses and closes on, e.g. an oversize
      // length): what it sent before is still to be read, and the connection must end.
      if (!c.readUntil(() -> false)) failures.add("tcp: hang, a write failed but the connection stayed open", c.where() + " after " + c.lastSent);
    }
  }

  private void talk(Conversation c, Socket s) throws IOException {
    int n = odd.between(10, 60);
    for (int i = 0; i < n && sent < budget && !c.ended; i++) {
      boolean terminal = sendFuzzed(c);
      sent++;
      if (terminal) {
        // The framing is broken for good: the caller gives up writing, and the node must close (or answer and close).
        s.shutdownOutput();
        if (!c.readUntil(() -> false)) {
          failures.add("tcp: hang, connection neither answered nor closed within " + deadlineMs + " ms", c.where() + " after " + c.lastSent);
        }
        return;
      }
      c.owe(List.of("pong"), "ping probe");
      c.write("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8), 15);
      if (!c.readUntil(() -> !c.owed.containsKey("pong"))) {
        failures.add("tcp: hang, no pong within " + deadlineMs + " ms", c.where() + " after " + Failures.abbreviate(c.lastSent, 500));
        return;
      }
    }
    if (!c.ended && !c.readUntil(c.owed::isEmpty)) {
      c.owed.forEach((k, v) -> failures.add("tcp: a frame owed an answer that never came",
          c.where() + ": address '" + k + "' for " + Failures.abbreviate(v.peek(), 400)));
    }
  }

  private JsonObject base() {
    JsonObject headers = new JsonObject();
    switch (odd.r.nextInt(8)) {
      case 0 -> { }
      case 1 -> headers.put("apiKey", "wrong-key");
      case 2 -> headers.put("apiKey", odd.value());
      default -> headers.put("apiKey", apiKey);
    }
    JsonObject f = switch (odd.r.nextInt(10)) {
      case 0 -> new JsonObject().put("type", "ping");
      case 1 -> new JsonObject().put("type", odd.pick(List.of("publish", "register", "unregister"))).put("address", "vpush.publish");
      case 2 -> new JsonObject().put("type", odd.pick(List.of("rec", "message", "err", "", "SEND"))).put("address", "vpush.publish");
      case 3 -> new JsonObject().put("type", "send").put("address", odd.pick(List.of("vpush.user.fz-u0", "vpush.ack", "vpush.publish ", "x")))
          .put("body", publish.body());
      default -> new JsonObject().put("type", "send").put("address", "vpush.publish").put("headers", headers).put("body", publish.body());
    };
    if (odd.chance(0.8)) f.put("replyAddress", "fz-t" + (replies++));
    return f;
  }

  /** Sends one fuzzed frame; true when its framing leaves the connection unusable. */
  private boolean sendFuzzed(Conversation c) throws IOException {
    JsonObject f = base();
    String text;
    double roll = odd.r.nextDouble();
    if (roll < 0.3) text = odd.encode(f);
    else if (roll < 0.85) {
      for (int i = odd.between(1, 3); i > 0; i--) odd.mutateField(f);
      text = odd.encode(f);
    } else text = odd.damage(odd.encode(f));
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    c.lastSent = text;
    double framing = odd.r.nextDouble();
    if (framing < 0.80) {
      if (payload.length > frameMaxBytes) {
        c.write(payload, payload.length);
        c.lastSent = "oversize " + text;
        return true;
      }
      if (payload.length == 0) {
        c.write(payload, 0);
        c.owe(List.of(""), "empty frame");
        return false;
      }
      c.owe(expectations(text), text);
      c.write(payload, payload.length);
      return false;
    }
    if (framing < 0.84) {
      c.write(new byte[0], 0);
      c.owe(List.of(""), "length 0");
      c.lastSent = "length 0";
      return false;
    }
    if (framing < 0.87) {
      byte[] bad = odd.invalidUtf8(text);
      c.write(bad, bad.length);
      c.lastSent = "invalid UTF-8 " + text;
      return false;
    }
    if (framing < 0.90) {
      // Two frames in one write, as a pipelining caller sends them.
      c.owe(expectations(text), text);
      ByteArrayOutputStream both = new ByteArrayOutputStream();
      for (int i = 0; i < 2; i++) {
        both.write(payload.length >>> 24);
        both.write(payload.length >>> 16);
        both.write(payload.length >>> 8);
        both.write(payload.length);
        both.write(payload);
      }
      c.owe(expectations(text), text);
      c.out.write(both.toByteArray());
      sent++;
      return false;
    }
    int prefix = switch (odd.r.nextInt(5)) {
      case 0 -> frameMaxBytes + 1;
      case 1 -> 0x80000000;
      case 2 -> 0xFFFFFFFF;
      case 3 -> payload.length + odd.between(1, 100);
      default -> Math.max(1, payload.length - odd.between(1, Math.max(1, payload.length)));
    };
    c.lastSent = "length prefix " + Integer.toUnsignedString(prefix) + " for " + payload.length + " bytes: " + text;
    if (odd.chance(0.2)) {
      c.out.write(new byte[] {0, 0});
      c.lastSent = "a cut-off length prefix";
    } else {
      c.write(payload, prefix);
    }
    return true;
  }

  /** What the bridge owes a frame: a pong, an answer at its replyAddress, or an unaddressed err for what it refuses. */
  private List<String> expectations(String text) {
    JsonObject f;
    try {
      if (ClientFrameFuzz.tooDeep(text)) return List.of("");
      f = new JsonObject(text);
    } catch (RuntimeException e) {
      return List.of("");
    }
    Object type = f.getValue("type");
    if ("ping".equals(type)) return List.of("pong");
    if (f.getValue("replyAddress") instanceof String r) return List.of(r);
    boolean mayPublish = "send".equals(type) && "vpush.publish".equals(f.getValue("address"));
    return mayPublish ? List.of() : List.of("");
  }
}
