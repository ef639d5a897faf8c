package io.vpush.access;

import io.vpush.protocol.ServerFrames;
import io.vpush.store.StoredMessage;

/** A user message on its way to this node's sessions, with its frame encoded once for all of them. */
public final class Outbound {

  private final StoredMessage message;
  private volatile String frame;

  public Outbound(StoredMessage message) {
    this.message = message;
  }

  public StoredMessage message() {
    return message;
  }

  public long seq() {
    return message.seq();
  }

  /** The encoded {@code rec} frame; a benign race may encode it twice, never differently. */
  public String frame() {
    String f = frame;
    if (f == null) {
      f = ServerFrames.message(message);
      frame = f;
    }
    return f;
  }
}
