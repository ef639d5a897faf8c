package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/** A SockJS session at {@code /eventbus}: any SockJS transport, frames as SockJS messages. */
final class SockJsTransport implements Transport {

  private final SockJSSocket socket;

  SockJsTransport(SockJSSocket socket) {
    this.socket = socket;
  }

  @Override
  public Future<Void> write(String frame) {
    return socket.write(frame);
  }

  @Override
  public void close(short code, String reason) {
    socket.close(code, reason);
  }

  @Override
  public String kind() {
    return "sockjs";
  }

  @Override
  public String queryParam(String name) {
    String uri = socket.uri();
    int q = uri == null ? -1 : uri.indexOf('?');
    return q < 0 ? null : QueryParams.get(uri.substring(q + 1), name);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(socket.remoteAddress());
  }
}
