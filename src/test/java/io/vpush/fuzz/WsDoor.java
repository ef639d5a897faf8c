package io.vpush.fuzz;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Fuzzes one WebSocket door: the raw endpoint {@code /eventbus/websocket}, or SockJS's WebSocket transport
 * {@code /eventbus/<server>/<session>/websocket} with SockJS framing. Connection after connection, it sends hostile
 * frames (and hostile WebSocket framing on the raw door), each followed by a probe that the node must answer, and
 * checks every frame that came back: no {@code internal_error}, every owed answer given or the connection closed with
 * a documented code, nothing left hanging past the deadline.
 */
final class WsDoor implements Runnable {

  private static final Set<Integer> RAW_CLOSES = Set.of(1002, 1007, 1008, 1009, 4001, 4003);
  private static final Set<Integer> SOCKJS_CLOSES = Set.of(1002, 1007, 1008, 1009, 4001, 4003);

  private final String door;
  private final boolean sockjs;
  private final int port;
  private final String secret;
  private final int frameMaxBytes;
  private final int budget;
  private final long deadlineMs;
  private final SplittableRandom r;
  private final Odd odd;
  private final ClientFrameFuzz fuzz;
  private final Failures failures;
  private int sent;
  private int connections;
  private int probes;

  WsDoor(String door, boolean sockjs, int port, String secret, int frameMaxBytes, int budget, long deadlineMs,
      SplittableRandom r, Failures failures, List<String> clientIds) {
    this.door = door;
    this.sockjs = sockjs;
    this.port = port;
    this.secret = secret;
    this.frameMaxBytes = frameMaxBytes;
    this.budget = budget;
    this.deadlineMs = deadlineMs;
    this.r = r;
    this.odd = new Odd(r);
    this.fuzz = new ClientFrameFuzz(odd, secret, clientIds);
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
      try {
        conversation(c);
      } catch (IOException e) {
        failures.add(door + ": I/O error talking to the node", "connection " + c + ": " + e);
      }
    }
  }

  /** One connection's state as the fuzz sees it. */
  private final class Conversation {
    final int index;
    final WsWire wire;
    final Map<String, ArrayDeque<String>> owed = new HashMap<>();
    String lastSent = "(none)";
    /** The frames both ways, for a failure's report. */
    final List<String> transcript = new java.util.ArrayList<>();
    boolean oversizeSent;
    /** The last frame was wrong in another way too (bad framing or UTF-8, a protocol violation): its close may be that one's. */
    boolean otherDefect;
    boolean protocolViolation;
    Integer closeCode;
    boolean ended;

    Conversation(int index, WsWire wire) {
      this.index = index;
      this.wire = wire;
    }

    String where() {
      return door + " connection " + index;
    }

    void owe(List<String> keys, String text) {
      // A key with a lone surrogate comes back as '?': that is how the node's answer encodes it in UTF-8.
      for (String key : keys) {
        String k = new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        owed.computeIfAbsent(k, x -> new ArrayDeque<>()).add(text);
      }
    }

    /** Takes back what {@link #owe} added for {@code text}: it was not sent after all. */
    void unowe(List<String> keys, String text) {
      for (String key : keys) {
        String k = new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        ArrayDeque<String> q = owed.get(k);
        if (q != null && q.removeLastOccurrence(text) && q.isEmpty()) owed.remove(k);
      }
    }

    void paid(String key) {
      ArrayDeque<String> q = owed.get(key);
      if (q != null) {
        q.poll();
        if (q.isEmpty()) owed.remove(key);
      }
    }

    /** Reads until {@code until} holds, the connection ends or the deadline passes; false on the deadline. */
    boolean readUntil(java.util.function.BooleanSupplier until) throws IOException {
      long deadline = System.nanoTime() + deadlineMs * 1_000_000;
      while (!ended && !until.getAsBoolean()) {
        WsWire.Frame f = wire.read(deadline);
        if (f == WsWire.Frame.TIMEOUT) return false;
        onFrame(f);
      }
      return true;
    }

    void log(String line) {
      transcript.add(Failures.abbreviate(line, 300));
    }

    /** The transcript from a few lines before the one that sent {@code text}. */
    String around(String text) {
      int at = 0;
      for (int i = transcript.size() - 1; i >= 0; i--) {
        if (transcript.get(i).contains(Failures.abbreviate(text.substring(0, Math.min(60, text.length())), 60))) {
          at = i;
          break;
        }
      }
      return String.join("\n      ", transcript.subList(Math.max(0, at - 8), Math.min(transcript.size(), at + 10)));
    }

    void onFrame(WsWire.Frame f) throws IOException {
      log("< " + (f.opcode() == WsWire.TEXT ? f.text() : "opcode " + f.opcode() + (f.opcode() == WsWire.CLOSE ? " " + f.closeCode() : "")));
      if (f == WsWire.Frame.EOF) {
        ended = true;
        failures.add(door + ": connection dropped without a close frame (1006)", where() + ", after " + lastSent);
        return;
      }
      switch (f.opcode()) {
        case WsWire.CLOSE -> {
          if (closeCode == null) closeCode = f.closeCode();
          ended = true;
          checkClose(closeCode);
          try {
            wire.send(WsWire.CLOSE, true, new byte[] {(byte) (closeCode >> 8), (byte) (int) closeCode}, true, 0);
          } catch (IOException e) {
            // the node closed the socket already
          }
        }
        case WsWire.PONG -> paid("wsPong");
        case WsWire.PING -> { }
        case WsWire.TEXT, WsWire.BINARY -> {
          if (sockjs) onSockJs(f.text());
          else onVpushFrame(f.text());
        }
        default -> failures.add(door + ": server sent opcode " + f.opcode(), where());
      }
    }

    void onSockJs(String text) {
      if (text.equals("o") || text.equals("h")) return;
      if (text.startsWith("c[")) {
        try {
          closeCode = new JsonArray(text.substring(1)).getInteger(0);
        } catch (RuntimeException e) {
          failures.add(door + ": malformed SockJS close frame", where() + ": " + text);
        }
        return;
      }
      if (text.startsWith("a[")) {
        try {
          for (Object o : new JsonArray(text.substring(1))) onVpushFrame((String) o);
        } catch (RuntimeException e) {
          failures.add(door + ": malformed SockJS message frame", where() + ": " + text);
        }
        return;
      }
      failures.add(door + ": unknown SockJS frame from the node", where() + ": " + text);
    }

    void onVpushFrame(String text) {
      JsonObject f;
      try {
        f = new JsonObject(text);
      } catch (RuntimeException e) {
        failures.add(door + ": node sent a frame that is not a JSON object", where() + ": " + text);
        return;
      }
      String type = String.valueOf(f.getValue("type"));
      Object address = f.getValue("address");
      if ("err".equals(type)) {
        if ("internal_error".equals(f.getValue("failureType")) || Integer.valueOf(500).equals(f.getValue("failureCode"))) {
          failures.add(door + ": internal_error frame", where() + ": answer " + text + " to " + lastSent);
        }
        paid(address instanceof String a ? a : "");
      } else if ("pong".equals(type)) {
        paid("pong");
      } else if ("rec".equals(type) && address instanceof String a) {
        JsonObject h = f.getValue("headers") instanceof JsonObject o ? o : new JsonObject();
        if (!a.startsWith("vpush.user.") || h.containsKey("control")) paid(a);
      }
    }

    void checkClose(int code) {
      Set<Integer> allowed = sockjs ? SOCKJS_CLOSES : RAW_CLOSES;
      // A frame over the limit is closed with 1009, unless it was also wrong in another way the node saw first, or the
      // auth timeout (4001, "not authenticated in time") of a connection that never registered, or a kick (4003: a newer
      // connection of the user took its place), came before.
      if (oversizeSent && code != 1009 && !otherDefect && code != 4001 && code != 4003) {
        failures.add(door + ": frame over frame.maxBytes not closed with 1009", where() + ": close " + code + " after " + lastSent);
      } else if (!allowed.contains(code)) {
        failures.add(door + ": close code " + code + " is not a documented one", where() + ", after " + lastSent);
      }
    }
  }

  private void conversation(int index) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    String query = "";
    boolean queryToken = false;
    if (odd.chance(0.15)) {
      String user = odd.pick(ClientFrameFuzz.USERS);
      query = odd.pick(List.of("?token=%zz", "?token=" + fuzz.token(user), "?token=" + Jwt.good(secret, user), "?token=", "?token=a&token=b",
          "?%%%", "?" + "q".repeat(3000), "?token=" + Jwt.sign(secret, "{\"alg\":\"HS256\"}", "{\"sub\":\"" + user + "\",\"exp\":\"x\"}")));
      queryToken = query.startsWith("?token=");
    }
    if (odd.chance(0.1)) headers.put(odd.pick(List.of("Origin", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Cookie", "X-Forwarded-For")),
        odd.pick(List.of("http://evil.example", "permessage-deflate; client_max_window_bits", "x".repeat(2000), "v10.stomp, mqtt", "1.2.3.4, ::1")));
    String path = sockjs ? "/eventbus/" + sockJsId(3) + "/" + sockJsId(8) + "/websocket" + query : "/eventbus/websocket" + query;
    long deadline = System.nanoTime() + deadlineMs * 1_000_000;
    try (WsWire wire = WsWire.open(port, path, headers, deadline, r)) {
      if (wire.handshakeStatus != 101) {
        if (wire.handshakeStatus < 0) failures.add(door + ": upgrade unanswered", "GET " + path + " " + headers);
        // A SockJS server or session id with a dot is not one (404), nor is a path with a broken escape.
        // A request line or head over the HTTP port's limits is refused as such (414, 431).
        // A space in the target breaks the request line: 400. An Origin that is not the node's own is refused: 403
        // (a production node with no http.allowedOrigins).
        else if (wire.handshakeStatus >= 500 || !(path.contains("%") || path.contains(" ") || wire.handshakeStatus == 414 || wire.handshakeStatus == 431
            || (wire.handshakeStatus == 403 && headers.containsKey("Origin"))
            || (sockjs && path.substring(0, path.indexOf("/websocket")).contains(".")))) {
          failures.add(door + ": upgrade answered " + wire.handshakeStatus, "GET " + Failures.abbreviate(path, 200) + " " + headers);
        }
        return;
      }
      Conversation c = new Conversation(index, wire);
      // "/eventbus/x/../websocket" is the raw endpoint once its dots are resolved, and so is "/eventbus/%2e/%2e/websocket"
      // (an escaped dot is a dot segment too): no SockJS conversation there.
      String dots = path.replaceAll("(?i)%2e", ".");
      if (sockjs && (dots.contains("/../") || dots.contains("/./"))) return;
      if (sockjs) {
        WsWire.Frame open = wire.read(System.nanoTime() + deadlineMs * 1_000_000);
        if (open.opcode() != WsWire.TEXT || !open.text().equals("o")) {
          failures.add(door + ": no SockJS open frame", c.where() + ": got opcode " + open.opcode()
              + (open.opcode() == WsWire.TEXT ? " " + Failures.abbreviate(open.text(), 200) : "") + " for GET " + Failures.abbreviate(path, 200));
          return;
        }
      }
      if (queryToken) {
        // The token of the URL is used by a register without one: the node owes an answer at once.
        String reg = new JsonObject().put("type", "register").put("address", "vpush.user." + odd.pick(ClientFrameFuzz.USERS)).encode();
        c.lastSent = "register with the token of " + Failures.abbreviate(path, 300);
        c.owe(ClientFrameFuzz.expectations(reg, !sockjs), reg);
        sendText(c, reg);
        if (!c.readUntil(c.owed::isEmpty)) {
          failures.add(door + ": register with ?token= unanswered within " + deadlineMs + " ms", c.lastSent);
          return;
        }
      } else if (odd.chance(0.5)) {
        String user = odd.pick(ClientFrameFuzz.USERS);
        String reg = new JsonObject().put("type", "register").put("address", "vpush.user." + user)
            .put("headers", new JsonObject().put("token", Jwt.good(secret, user)).put("clientId", odd.pick(clientIdsOf()))).encode();
        c.lastSent = reg;
        c.owe(List.of("vpush.user." + user), reg);
        sendText(c, reg);
        if (!c.readUntil(c.owed::isEmpty)) {
          failures.add(door + ": a good register unanswered within " + deadlineMs + " ms", c.where() + ": " + reg);
          return;
        }
      }
      int n = odd.between(10, 60);
      try {
        for (int i = 0; i < n && !c.ended && sent < budget; i++) {
          sendFuzzed(c);
          sent++;
          if (c.ended) break;
          if (!probe(c)) return;
        }
        if (!c.ended && !probe(c)) return;
      } catch (java.net.SocketException e) {
        // The node closed the connection while this side was still writing (after a close it owed, e.g. 4001): what it
        // sent before, its close frame included, is still to be read.
        if (!c.readUntil(() -> false)) failures.add(door + ": hang, a write failed but the connection stayed open", c.where());
        return;
      }
      if (!c.ended && !c.readUntil(c.owed::isEmpty)) {
        try {
          java.nio.file.Files.write(java.nio.file.Path.of("target", "fuzz-" + door.replace(' ', '-') + "-" + c.index + ".txt"), c.transcript);
        } catch (IOException e) {
          // only a report
        }
        c.owed.forEach((k, v) -> failures.add(door + ": a frame owed an answer that never came",
            c.where() + ": address '" + k + "' for " + Failures.abbreviate(v.peek(), 400) + "; frames from there:\n      " + c.around(v.peek())));
      }
      if (!c.ended) {
        // The closing handshake: the node answers a close with a close.
        wire.send(WsWire.CLOSE, true, new byte[] {0x03, (byte) 0xe8}, true, 0);
        c.lastSent = "close 1000";
        long end = System.nanoTime() + deadlineMs * 1_000_000;
        while (true) {
          WsWire.Frame f = wire.read(end);
          if (f == WsWire.Frame.TIMEOUT) {
            failures.add(door + ": client close not answered within " + deadlineMs + " ms", c.where());
            break;
          }
          if (f == WsWire.Frame.EOF || f.opcode() == WsWire.CLOSE) break;
        }
      }
    }
  }

  private List<String> clientIdsOf() {
    return sockjs ? List.of("sj0", "sj1", "sj2") : List.of("c0", "c1", "c2", "c3");
  }

  private String sockJsId(int len) {
    if (odd.chance(0.03)) return odd.pick(List.of("..", "%2e", "a.b", "x".repeat(200), "%zz", "-"));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < len; i++) b.append((char) ('a' + r.nextInt(26)));
    return b.toString();
  }

  /** Sends a probe that the node must answer at once, and reads until it is answered or the connection ends. */
  private boolean probe(Conversation c) throws IOException {
    String id = "fz-probe-" + (probes++);
    String probe = "{\"type\":\"send\",\"address\":\"vpush.fz.probe\",\"replyAddress\":\"" + id + "\"}";
    c.owe(List.of(id), probe);
    sendText(c, probe);
    if (c.readUntil(() -> !c.owed.containsKey(id))) return true;
    failures.add(door + ": hang, no answer and no close within " + deadlineMs + " ms", c.where() + " after " + Failures.abbreviate(c.lastSent, 500));
    return false;
  }

  private void sendText(Conversation c, String frame) throws IOException {
    c.log("> " + frame);
    if (sockjs) c.wire.sendText("[" + Json.encode(frame) + "]");
    else c.wire.sendText(frame);
  }

  private void sendFuzzed(Conversation c) throws IOException {
    ClientFrameFuzz.Made m = fuzz.next();
    // What goes on the wire: a lone surrogate has no UTF-8 form and is sent as '?', so the node sees (and answers) that.
    String text = new String(m.text().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    c.otherDefect = false;
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    boolean over = bytes > frameMaxBytes;
    double roll = r.nextDouble();
    if (over) {
      c.oversizeSent = true;
    } else if (roll < 0.03) {
      // Past the limit on purpose: just over it, or past the codec's 4x.
      text = "{\"type\":\"send\",\"address\":\"vpush.upstream\",\"body\":\"" + "y".repeat(odd.pick(List.of(frameMaxBytes, 2 * frameMaxBytes, 5 * frameMaxBytes))) + "\"}";
      c.oversizeSent = true;
      over = true;
    }
    c.lastSent = m.kind() + " " + text;
    c.log("> " + c.lastSent);
    if (!over) c.owe(ClientFrameFuzz.expectations(text, !sockjs), text);
    if (sockjs) sendSockJs(c, text, roll);
    else sendRaw(c, text, roll);
  }

  private void sendRaw(Conversation c, String text, double roll) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (roll < 0.03 || roll >= 0.30) {
      c.wire.send(WsWire.TEXT, true, utf8, true, 0);
    } else if (roll < 0.11) {
      c.wire.send(WsWire.BINARY, true, utf8, true, 0);
    } else if (roll < 0.19) {
      // Fragments, sometimes with a ping between them (RFC 6455 allows control frames inside a message).
      int pieces = Math.max(1, Math.min(utf8.length, odd.between(2, 4))); // an empty text still goes as one frame
      int opcode = r.nextBoolean() ? WsWire.TEXT : WsWire.BINARY;
      int at = 0;
      for (int i = 0; i < pieces; i++) {
        int end = i == pieces - 1 ? utf8.length : at + (utf8.length - at) / (pieces - i);
        byte[] part = java.util.Arrays.copyOfRange(utf8, at, end);
        c.wire.send(i == 0 ? opcode : WsWire.CONTINUATION, i == pieces - 1, part, true, 0);
        if (i == 0 && odd.chance(0.3)) {
          c.wire.send(WsWire.PING, true, "mid".getBytes(StandardCharsets.US_ASCII), true, 0);
          c.owe(List.of("wsPong"), "ping between fragments");
        }
        at = end;
      }
      c.lastSent = "fragmented(" + pieces + ") " + c.lastSent;
    } else if (roll < 0.23) {
      c.wire.send(WsWire.TEXT, true, odd.invalidUtf8(text), true, 0);
      c.lastSent = "invalid UTF-8 text frame " + c.lastSent;
      c.otherDefect = true;
      // Invalid UTF-8 in a text frame: the node must close (1007); whatever was owed is moot.
      c.owed.clear();
    } else if (roll < 0.26) {
      c.wire.send(WsWire.BINARY, true, odd.invalidUtf8(text), true, 0);
      c.lastSent = "invalid UTF-8 binary frame " + c.lastSent;
      c.otherDefect = true;
      c.owed.clear();
    } else if (roll < 0.28) {
      // A ping instead of the text: what the text was owed is not.
      c.unowe(ClientFrameFuzz.expectations(text, true), text);
      c.wire.send(WsWire.PING, true, "fz".getBytes(StandardCharsets.US_ASCII), true, 0);
      c.owe(List.of("wsPong"), "ping");
      c.lastSent = "ping control frame";
    } else {
      // A protocol violation: the node closes the connection (1002), nothing else is owed.
      c.owed.clear();
      c.protocolViolation = true;
      c.otherDefect = true;
      switch (r.nextInt(6)) {
        case 0 -> c.wire.send(WsWire.TEXT, true, utf8, true, 1 + r.nextInt(7));
        case 1 -> c.wire.send(3 + r.nextInt(5), true, utf8, true, 0);
        case 2 -> c.wire.send(WsWire.TEXT, true, utf8, false, 0);
        case 3 -> c.wire.send(WsWire.CONTINUATION, true, utf8, true, 0);
        case 4 -> c.wire.send(WsWire.PING, true, new byte[126], true, 0);
        default -> c.wire.send(WsWire.CLOSE, false, new byte[] {0x03, (byte) 0xe8}, true, 0);
      }
      c.lastSent = "protocol violation " + c.lastSent;
    }
  }

  private void sendSockJs(Conversation c, String text, double roll) throws IOException {
    if (roll < 0.03 || roll >= 0.25) {
      c.wire.sendText("[" + Json.encode(text) + "]");
    } else if (roll < 0.13) {
      String second = new String(fuzz.next().text().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      if (second.getBytes(StandardCharsets.UTF_8).length > frameMaxBytes) c.oversizeSent = true;
      else c.owe(ClientFrameFuzz.expectations(second, false), second);
      c.wire.sendText("[" + Json.encode(text) + "," + Json.encode(second) + "]");
      sent++;
    } else if (roll < 0.17) {
      c.wire.sendText(Json.encode(text));
    } else if (roll < 0.21) {
      // Not SockJS framing: the node closes the connection.
      c.owed.clear();
      c.wire.sendText(odd.pick(List.of(text, "[1]", "{}", "[[\"x\"]]", "", "[\"a\",", "[null]")));
      c.lastSent = "broken SockJS framing " + c.lastSent;
      c.otherDefect = true;
    } else if (roll < 0.23) {
      c.wire.send(WsWire.TEXT, true, odd.invalidUtf8("[" + Json.encode(text) + "]"), true, 0);
      c.owed.clear();
      c.lastSent = "invalid UTF-8 " + c.lastSent;
      c.otherDefect = true;
    } else {
      c.wire.send(WsWire.BINARY, true, ("[" + Json.encode(text) + "]").getBytes(StandardCharsets.UTF_8), true, 0);
      c.owed.clear();
      c.lastSent = "binary SockJS frame " + c.lastSent;
      c.otherDefect = true;
    }
  }
}
