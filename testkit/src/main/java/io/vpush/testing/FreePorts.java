package io.vpush.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out TCP ports that are free now, for servers started as separate processes (the bench's targets, Redis and
 * Hazelcast members; the integration tests' fixtures).
 */
public final class FreePorts {

  // Below Linux's ephemeral range (32768-60999): a port handed out here is never taken meanwhile by an outgoing
  // connection's local port (a port the kernel picks for a listener is: a cluster node once lost its HTTP port to a
  // Hazelcast connection between the pick and its bind), and a fixture can restart a server on the same port.
  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;

  // Never hand out the same port twice in one JVM, even if its first user has not bound it yet.
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  /** One free port. */
  public static int free() {
    return free(1).get(0);
  }

  /** {@code n} distinct free ports. */
  public static synchronized List<Integer> free(int n) {
    List<Integer> ports = new ArrayList<>(n);
    for (int i = 0; i < n; i++) ports.add(pick(0));
    return ports;
  }

  /**
   * A free port {@code p} such that {@code p + offset} is free too (Redis Cluster uses port + 10000 for
   * its bus); both are reserved.
   */
  public static synchronized int freeWithCompanion(int offset) {
    return pick(offset);
  }

  private static int pick(int offset) {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int p = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (GIVEN.contains(p) || (offset != 0 && GIVEN.contains(p + offset))) continue;
      if (bindable(p) && (offset == 0 || bindable(p + offset))) {
        GIVEN.add(p);
        if (offset != 0) GIVEN.add(p + offset);
        return p;
      }
    }
    throw new UncheckedIOException(new IOException("no free port found in " + LOW + "-" + HIGH));
  }

  // The wildcard address: a server on 0.0.0.0 or 127.0.0.1 would collide with either.
  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
