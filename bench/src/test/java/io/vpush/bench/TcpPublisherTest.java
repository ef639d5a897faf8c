package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP door of the load generator against a peer speaking the bridge framing that answers every {@code send}: a
 * garbage collection in mid-run must not close its connections (Vert.x closes a client once it is collected, and a
 * client held by nobody had silently closed the bridge sockets under load).
 */
class TcpPublisherTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void survivesAGarbageCollectionInMidRun() {
    NetServer bridge = vertx.createNetServer().connectHandler(TcpPublisherTest::answerEverySend);
    int port = bridge.listen(0, "127.0.0.1").await().actualPort();
    TcpPublisher publisher = TcpPublisher.connect(vertx, "tcp", "127.0.0.1", port, "key", 2);
    assertThat(publishAll(publisher, 50)).allMatch(Future::succeeded);

    WeakReference<Object> client = new WeakReference<>(publisher.client());
    System.gc(); // a full collection clears every weak reference whose object is unreachable

    assertThat(client.get()).as("the publisher's NetClient is still reachable after a GC").isNotNull();
    assertThat(publishAll(publisher, 50)).allMatch(Future::succeeded);
    publisher.close().await();
  }

  @Test
  void sendsBridgeFramesAndMatchesEachAnswerToItsPublishInAnyOrder() {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    NetServer bridge = vertx.createNetServer().connectHandler(socket -> socket.handler(BridgeFrames.parser(b -> {
      received.add(b.toJsonObject());
      if (received.size() < 4) return;
      // Answers in reverse order: two successes in the server's layout, one err frame, one success in another layout.
      write(socket, new JsonObject().put("type", "message").put("address", replyOf(received.get(3))).put("body", new JsonObject()));
      write(socket, new JsonObject().put("type", "err").put("address", replyOf(received.get(2)))
          .put("failureCode", 400).put("failureType", "bad_request").put("message", "no"));
      write(socket, new JsonObject().put("address", replyOf(received.get(1))).put("type", "message"));
      write(socket, new JsonObject().put("type", "message").put("address", replyOf(received.get(0))).put("body", new JsonObject()));
    })));
    int port = bridge.listen(0, "127.0.0.1").await().actualPort();
    TcpPublisher publisher = TcpPublisher.connect(vertx, "tcp", "127.0.0.1", port, "k\"ey", 1);
    List<Future<Void>> sent = new ArrayList<>();
    for (int i = 0; i < 4; i++) sent.add(publisher.toUser("u" + i, new JsonObject().put("i", i)));
    Future.join(sent).otherwiseEmpty().await();

    assertThat(sent).extracting(Future::succeeded).containsExactly(true, true, false, true);
    assertThat(sent.get(2).cause()).hasMessage("bad_request: no");
    JsonObject first = received.get(0);
    assertThat(first.getString("type")).isEqualTo("send");
    assertThat(first.getString("address")).isEqualTo("vpush.publish");
    assertThat(first.getJsonObject("headers").getString("apiKey")).isEqualTo("k\"ey");
    assertThat(first.getJsonObject("body")).isEqualTo(new JsonObject().put("user", "u0").put("payload", new JsonObject().put("i", 0)));
    publisher.close().await();
  }

  private static String replyOf(JsonObject send) {
    return send.getString("replyAddress");
  }

  private static void write(NetSocket socket, JsonObject frame) {
    Buffer b = frame.toBuffer();
    socket.write(Buffer.buffer().appendInt(b.length()).appendBuffer(b));
  }

  private static List<Future<Void>> publishAll(TcpPublisher publisher, int n) {
    List<Future<Void>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) sent.add(publisher.toUser("u" + i, new JsonObject().put("i", i)));
    Future.join(sent).await();
    return sent;
  }

  /** The bridge's answer to a {@code send}: a {@code message} frame to its replyAddress. */
  private static void answerEverySend(NetSocket socket) {
    socket.handler(BridgeFrames.parser(b -> {
      JsonObject send = b.toJsonObject();
      Buffer answer = new JsonObject().put("type", "message").put("address", send.getString("replyAddress"))
          .put("body", new JsonObject().put("seq", 1)).toBuffer();
      socket.write(Buffer.buffer().appendInt(answer.length()).appendBuffer(answer));
    }));
  }
}
