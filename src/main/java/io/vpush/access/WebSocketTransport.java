package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;

import java.nio.charset.StandardCharsets;

/** A raw WebSocket connection at {@code /eventbus/websocket}: one JSON frame per text message. */
final class WebSocketTransport implements Transport {

  private final ServerWebSocket ws;

  WebSocketTransport(ServerWebSocket ws) {
    this.ws = ws;
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

  @Override
  public String queryParam(String name) {
    return QueryParams.get(ws.query(), name);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(ws.remoteAddress());
  }

  /** Decodes a binary frame's UTF-8 text; some WebSocket libraries send JSON as binary. */
  static String text(WebSocketFrame frame) {
    return frame.binaryData().toString(StandardCharsets.UTF_8);
  }
}
