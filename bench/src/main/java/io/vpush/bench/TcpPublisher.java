package io.vpush.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP event-bus bridge door (also the event-bus door for processes outside the cluster): {@code --tcp-connections}
 * persistent connections (default 4), requests pipelined with a replyAddress each (never waiting for an answer before
 * the next send), and every frame queued within one event-loop turn written in one buffer, so the server reads many
 * publishes per read. A unicast frame is written and its answer read without building JSON trees: the load generator
 * shares the server's two cores, and Jackson building, encoding and parsing the bridge frames was about a quarter of
 * its Java samples at 15,000 messages/s.
 *
 * <p>The publisher holds its {@link NetClient} for as long as it runs: Vert.x closes a client (and every socket it
 * opened) once the client object is garbage collected, which had closed the bridge connections in mid-run.
 */
final class TcpPublisher implements Publisher {

  /** How the server's answer to a send starts (JsonObject keeps insertion order); then the reply id and a quote. */
  static final String ANSWER_PREFIX = "{\"type\":\"message\",\"address\":\"r";

  private final String door;
  /** A send frame up to its reply id: type, address and the API key header. */
  private final String framePrefix;
  private final NetClient client;
  private final List<Conn> conns = new ArrayList<>();
  private final Map<Long, Promise<Void>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private TcpPublisher(String door, String apiKey, NetClient client) {
    this.door = door;
    this.framePrefix = "{\"type\":\"send\",\"address\":\"vpush.publish\",\"headers\":{\"apiKey\":" + Json.encode(apiKey)
        + "},\"replyAddress\":\"r";
    this.client = client;
  }

  /** Connects {@code connections} sockets to the bridge; blocking (call it from the scenario thread, not Vert.x's). */
  static TcpPublisher connect(Vertx vertx, String door, String host, int port, String apiKey, int connections) {
    if (port <= 0) throw new IllegalArgumentException("door '" + door + "' needs the TCP bridge port (--bridge-port)");
    NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
    TcpPublisher p = new TcpPublisher(door, apiKey, client);
    for (int i = 0; i < connections; i++) {
      // Called off Vert.x threads, getOrCreateContext() gives a fresh event-loop context each time: one per socket.
      Context ctx = vertx.getOrCreateContext();
      Promise<NetSocket> sock = Promise.promise();
      ctx.runOnContext(v -> client.connect(port, host).onComplete(sock));
      p.conns.add(p.new Conn(ctx, sock.future().await()));
    }
    return p;
  }

  @Override public String door() { return door; }

  @Override
  public Future<Void> toUser(String user, JsonObject payload) {
    return send("{\"user\":" + Json.encode(user) + ",\"payload\":" + payload.encode() + "}");
  }

  @Override
  public Future<Void> toUsers(List<String> users, JsonObject payload) {
    return send(Publisher.usersBody(users, payload).encode());
  }

  /** Sends a publish body (JSON text) with a reply id of its own; completes with the server's answer. */
  private Future<Void> send(String body) {
    long id = ids.incrementAndGet();
    Promise<Void> p = Promise.promise();
    pending.put(id, p);
    byte[] frame = (framePrefix + id + "\",\"body\":" + body + "}").getBytes(StandardCharsets.UTF_8);
    conns.get((int) (id % conns.size())).queue(frame);
    return p.future();
  }

  /** An answer: a success read by position; anything else (an err frame, another layout) by a JSON parse. */
  private void answer(Buffer json) {
    String text = json.toString(StandardCharsets.UTF_8);
    if (text.startsWith(ANSWER_PREFIX)) {
      int from = ANSWER_PREFIX.length();
      int to = text.indexOf('"', from);
      Promise<Void> p = to > from ? pending.remove(Long.parseLong(text, from, to, 10)) : null;
      if (p != null) p.tryComplete();
      return;
    }
    JsonObject f = new JsonObject(text);
    String address = f.getString("address");
    Promise<Void> p = address == null || !address.startsWith("r") ? null : pending.remove(Long.parseLong(address.substring(1)));
    if (p == null) return; // an error without address (e.g. frame_too_large): the connection closes, see below
    if ("message".equals(f.getString("type"))) p.tryComplete();
    else p.tryFail(f.getString("failureType", "error") + ": " + f.getString("message"));
  }

  /** The client this publisher's sockets belong to (held for the whole run, see the type's Javadoc). */
  NetClient client() {
    return client;
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  /** One bridge connection with its write queue, flushed once per event-loop turn of its context. */
  private final class Conn {
    final Context ctx;
    final NetSocket socket;
    private Buffer queued = Buffer.buffer();
    private boolean scheduled;

    Conn(Context ctx, NetSocket socket) {
      this.ctx = ctx;
      this.socket = socket;
      socket.handler(BridgeFrames.parser(TcpPublisher.this::answer));
      socket.closeHandler(v -> pending.values().forEach(p -> p.tryFail("bridge connection closed")));
    }

    void queue(byte[] frame) {
      boolean schedule;
      synchronized (this) {
        queued.appendInt(frame.length).appendBytes(frame);
        schedule = !scheduled;
        scheduled = true;
      }
      if (schedule) ctx.runOnContext(v -> flush());
    }

    private void flush() {
      Buffer out;
      synchronized (this) {
        out = queued;
        queued = Buffer.buffer();
        scheduled = false;
      }
      socket.write(out);
    }
  }
}
