package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/** A SockJS session at {@code /eventbus}: any SockJS transport, frames as SockJS messages. */
final class SockJsTransport implements Transport {

  private final SockJSSocket socket;
  /**
   * The last frame written. vertx-web's SockJS session drops, on close, what a poll has not taken yet: the last words
   * before a close (control: kicked, control: reconnect, the access_denied before 4001) would never reach a polling
   * client. The close waits for this write instead; it completes when a poll took it, or fails when the SockJS
   * session times out (SockJSHandlerOptions' session timeout), so the wait is bounded.
   */
  private Future<Void> lastWrite;

  SockJsTransport(SockJSSocket socket) {
    this.socket = socket;
  }

  @Override
  public Future<Void> write(String frame) {
    return lastWrite = socket.write(frame);
  }

  @Override
  public void close(short code, String reason) {
    // Polling transports carry no code of their own: their close frame is always c[3000,"Go away!"].
    Future<Void> pending = lastWrite;
    lastWrite = null;
    if (pending == null || pending.isComplete()) socket.close(code, reason);
    else pending.onComplete(ar -> socket.close(code, reason));
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
