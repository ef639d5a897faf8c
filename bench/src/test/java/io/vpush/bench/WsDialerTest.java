package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator's WebSocket client against a Vert.x WebSocket server: it upgrades from the given source address,
 * passes text frames both ways, completes a close it starts with the server's close, and reports a close the server
 * starts (which the fleet counts as an unexpected drop).
 */
@Timeout(30)
class WsDialerTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Records what the client side saw. */
  private static final class Seen implements WsDialer.Listener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final Promise<String> firstText = Promise.promise();
    final Promise<Channel> closed = Promise.promise();

    @Override
    public void onText(String text) {
      texts.add(text);
      firstText.tryComplete(text);
    }

    @Override
    public void onClose(Channel ch) { closed.tryComplete(ch); }
  }

  @Test
  void exchangesTextFramesAndClosesWithTheServersAnswer() {
    Promise<ServerWebSocket> accepted = Promise.promise();
    Promise<Short> serverSawClose = Promise.promise();
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
      ws.textMessageHandler(t -> ws.writeTextMessage("echo " + t));
      ws.closeHandler(v -> serverSawClose.tryComplete(ws.closeStatusCode()));
      accepted.complete(ws);
    });
    int port = server.listen(0, "127.0.0.1").await().actualPort();
    Seen seen = new Seen();

    Channel ch = new WsDialer(vertx, 5_000).dial("127.0.0.2", "127.0.0.1", port, "/ws", seen).await();
    ServerWebSocket ws = accepted.future().await();
    assertThat(ws.path()).isEqualTo("/ws");
    assertThat(ws.remoteAddress().host()).as("the source address the fleet chose").isEqualTo("127.0.0.2");
    WsDialer.send(ch, "hi");
    assertThat(seen.firstText.future().await()).isEqualTo("echo hi");

    WsDialer.close(ch).await();
    assertThat(serverSawClose.future().await()).isEqualTo((short) 1000);
    assertThat(seen.closed.future().await()).isSameAs(ch);
  }

  @Test
  void reportsACloseTheServerStarts() {
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> ws.writeTextMessage("bye")
        .compose(v -> ws.close((short) 4000, "kicked")));
    int port = server.listen(0, "127.0.0.1").await().actualPort();
    Seen seen = new Seen();

    Channel ch = new WsDialer(vertx, 5_000).dial("127.0.0.1", "127.0.0.1", port, "/ws", seen).await();

    assertThat(seen.closed.future().await()).isSameAs(ch);
    assertThat(seen.texts).containsExactly("bye");
  }

  @Test
  void failsWhenTheServerRefusesTheUpgrade() {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(404).end());
    int port = server.listen(0, "127.0.0.1").await().actualPort();

    // Bounded well below the dial's own 60 s limit, so that a dial left pending fails here with a timeout instead.
    assertThatThrownBy(() -> new WsDialer(vertx, 60_000).dial("127.0.0.1", "127.0.0.1", port, "/ws", new Seen())
        .timeout(10, TimeUnit.SECONDS).await())
        .as("a refused upgrade fails the dial with the server's status").hasMessageContaining("404");
  }
}
