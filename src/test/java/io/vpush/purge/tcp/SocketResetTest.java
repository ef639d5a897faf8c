package io.vpush.purge.tcp;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing a Vert.x socket whose peer reads nothing and writes until blocked (the bridge's abuser): the node has paused
 * reading and filled its write queue, so a plain close would wait forever behind the unsent writes. Real sockets.
 */
class SocketResetTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aResetReachesAPeerBlockedInItsWrite() throws Exception {
    assertPeerIsCut(SocketReset::now);
  }

  @Test
  void aGracefulCloseThatCannotBeWrittenIsResetAfterItsBound() throws Exception {
    assertPeerIsCut(socket -> SocketReset.closeWithin(socket, 200));
  }

  private static void assertPeerIsCut(Consumer<NetSocket> close) throws Exception {
    CompletableFuture<NetSocket> accepted = new CompletableFuture<>();
    CompletableFuture<Context> contextOf = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    NetServer server = vertx.createNetServer().connectHandler(socket -> {
      socket.pause(); // like the bridge: the peer's input is not read
      socket.closeHandler(v -> closed.complete(null));
      contextOf.complete(Vertx.currentContext());
      accepted.complete(socket);
    });
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    try (Socket peer = new Socket()) {
      peer.setReceiveBufferSize(4096);
      peer.connect(new InetSocketAddress("127.0.0.1", port));
      NetSocket socket = accepted.get(10, TimeUnit.SECONDS);
      Context context = contextOf.get(10, TimeUnit.SECONDS);
      CompletableFuture<Void> full = new CompletableFuture<>();
      context.runOnContext(v -> {
        Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
        for (int i = 0; i < 4096 && !socket.writeQueueFull(); i++) socket.write(chunk);
        full.complete(null);
      });
      full.get(10, TimeUnit.SECONDS);
      assertThat(socket.writeQueueFull()).as("the peer reads nothing, so the node's write queue fills").isTrue();

      CompletableFuture<Throwable> flood = CompletableFuture.supplyAsync(() -> {
        try {
          OutputStream out = peer.getOutputStream();
          byte[] batch = new byte[64 * 1024];
          for (int i = 0; i < 16 * 1024; i++) out.write(batch); // 1 GiB: far past what the socket buffers hold
          return null;
        } catch (IOException e) {
          return e;
        }
      });
      context.runOnContext(v -> close.accept(socket));

      closed.get(10, TimeUnit.SECONDS);
      assertThat(flood.get(10, TimeUnit.SECONDS)).as("the blocked writer is cut").isInstanceOf(SocketException.class);
    } finally {
      server.close().await(10, TimeUnit.SECONDS);
    }
  }
}
