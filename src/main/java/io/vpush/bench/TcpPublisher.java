package io.vpush.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP event-bus bridge door (also the event-bus door for processes outside the cluster): {@code --tcp-connections}
 * persistent connections (default 4), requests pipelined with a replyAddress each (never waiting for an answer before
 * the next send), and every frame queued within one event-loop turn written in one buffer, so the server reads many
 * publishes per read.
 *
 * <p>The publisher holds its {@link NetClient} for as long as it runs: Vert.x closes a client (and every socket it
 * opened) once the client object is garbage collected, which had closed the bridge connections in mid-run.
 */
final class TcpPublisher implements Publisher {

  private final String door;
  private final String apiKey;
  private final NetClient client;
  private final List<Conn> conns = new ArrayList<>();
  private final Map<String, Promise<Void>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private TcpPublisher(String door, String apiKey, NetClient client) {
    this.door = door;
    this.apiKey = apiKey;
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
    return send(Publisher.userBody(user, payload));
  }

  @Override
  public Future<Void> toUsers(List<String> users, JsonObject payload) {
    return send(Publisher.usersBody(users, payload));
  }

  private Future<Void> send(JsonObject body) {
    long id = ids.incrementAndGet();
    String reply = "r" + id;
    Promise<Void> p = Promise.promise();
    pending.put(reply, p);
    Buffer frame = new JsonObject().put("type", "send").put("address", "vpush.publish").put("replyAddress", reply)
        .put("headers", new JsonObject().put("apiKey", apiKey)).put("body", body).toBuffer();
    conns.get((int) (id % conns.size())).queue(frame);
    return p.future();
  }

  private void answer(Buffer json) {
    JsonObject f = json.toJsonObject();
    Promise<Void> p = f.getString("address") == null ? null : pending.remove(f.getString("address"));
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

    void queue(Buffer frame) {
      boolean schedule;
      synchronized (this) {
        queued.appendInt(frame.length()).appendBuffer(frame);
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
