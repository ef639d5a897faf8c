package io.vpush.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The load generator only ever targets this machine's loopback addresses. */
final class Loopback {
  private Loopback() {}

  static void require(String host) {
    try {
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        throw new IllegalArgumentException("bench targets loopback addresses only, not " + host);
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host, e);
    }
  }
}
