package io.vpush.client;

/** The client's connection state, as reported to {@code onState}. */
public enum State {
  CONNECTING,
  CONNECTED,
  DISCONNECTED,
  /** Final: {@link VPushClient#close()}, a kick (4003), or an auth failure after one retry with a fresh token. */
  CLOSED
}
