package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.http.ServerWebSocket;
import io.netty.channel.Channel;
import io.vpush.limit.ForcedClose;

import java.util.ArrayList;
import java.util.List;

/**
 * SockJS's WebSocket transport ({@code /eventbus/<server>/<session>/websocket}), framed by vpush itself.
 *
 * <p>Why not vertx-web's: its SockJS sessions drop the close code ({@code SockJSSocket.close(code, reason)}
 * always sends {@code c[3000,"Go away!"]}), and protocol.md promises SockJS clients the same close codes as
 * WebSocket ones (4001, 4003, 1008, 1012). The framing is small: {@code o} on open, {@code a[...]} carrying
 * messages, {@code c[code,"reason"]} before the close; the client sends JSON arrays of message strings.
 * The polling transports stay on vertx-web's SockJS handler.
 */
final class SockJsWebSocketTransport implements Transport {

  private final ServerWebSocket ws;
  /** The socket under {@code ws}, for the forced close. */
  private final Channel channel;
  private final Shard shard;

  SockJsWebSocketTransport(ServerWebSocket ws, Channel channel, Shard shard) {
    this.ws = ws;
    this.channel = channel;
    this.shard = shard;
    ws.writeTextMessage("o");
  }

  @Override
  public String queryParam(String name) {
    return QueryParams.get(ws.query(), name);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(ws.remoteAddress());
  }

  @Override
  public Future<Void> write(String frame) {
    return ws.writeTextMessage("a[" + Json.encode(frame) + "]");
  }

  @Override
  public void close(short code, String reason) {
    ws.writeTextMessage("c[" + code + "," + Json.encode(reason) + "]");
    ws.close(code, reason);
    // Vert.x's own closing timeout starts only once its close frame is written, which never happens to a client that
    // stopped reading: bounded here as on the raw WebSocket.
    ForcedClose.arm(channel, shard.settings().closeTimeoutMs, () -> shard.metrics().closeForced(kind()));
  }

  @Override
  public String kind() {
    return "sockjs";
  }

  /**
   * The messages in one client WebSocket message: a JSON array of strings, or one JSON string.
   *
   * @return null when the text is not SockJS framing
   */
  static List<String> messages(String text) {
    try {
      Object decoded = Json.decodeValue(text);
      if (decoded instanceof String s) return List.of(s);
      if (decoded instanceof JsonArray arr) {
        List<String> out = new ArrayList<>(arr.size());
        for (Object o : arr) {
          if (!(o instanceof String s)) return null;
          out.add(s);
        }
        return out;
      }
    } catch (RuntimeException e) {
      // fall through: not SockJS framing
    }
    return null;
  }
}
