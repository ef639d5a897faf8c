package io.vpush.bench;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;

/** The TCP bridge's framing (4-byte big-endian length + JSON) as a caller reads it: each frame's body, in order. */
final class BridgeFrames {

  private BridgeFrames() {
  }

  /** A parser to set as a socket's handler; {@code body} gets every frame's JSON bytes. */
  static RecordParser parser(Handler<Buffer> body) {
    boolean[] length = {true};
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(b -> {
      if (length[0]) {
        parser.fixedSizeMode(b.getInt(0));
      } else {
        parser.fixedSizeMode(4);
        body.handle(b);
      }
      length[0] = !length[0];
    });
    return parser;
  }
}
