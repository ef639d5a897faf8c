package io.vpush.access;

import io.vertx.core.http.ServerWebSocket;

/** What the two WebSocket framings (raw, and SockJS's WebSocket transport) share: the socket, its URL and its peer. */
abstract class ServerWebSocketTransport implements Transport {

  protected final ServerWebSocket ws;

  ServerWebSocketTransport(ServerWebSocket ws) {
    this.ws = ws;
  }

  @Override
  public String queryParam(String name) {
    return QueryParams.get(ws.query(), name);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(ws.remoteAddress());
  }
}
