package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;

/** A raw WebSocket connection at {@code /eventbus/websocket}: one JSON frame per text message. */
final class WebSocketTransport extends ServerWebSocketTransport {

  WebSocketTransport(ServerWebSocket ws) {
    super(ws);
  }

  @Override
  public Future<Void> write(String frame) {
    return ws.writeTextMessage(frame);
  }

  @Override
  public void close(short code, String reason) {
    ws.close(code, reason);
  }

  @Override
  public String kind() {
    return "websocket";
  }
}
