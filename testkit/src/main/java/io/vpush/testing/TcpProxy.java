package io.vpush.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy for tests: forwards to a port, and can cut every open connection, freeze them (bytes stop flowing both
 * ways, the sockets stay open: a node that stopped answering), or swallow the first connection's answer (the request
 * reached the server, the caller never hears back). A connection whose upstream cannot be reached (the node is down)
 * is closed at once, as a load balancer in front of a dead node would.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final List<Pair> pairs = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean swallowFirstAnswer;

  /** Listens on a free loopback port and forwards every connection to {@code upstreamPort} on loopback. */
  public TcpProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public int accepted() {
    return accepted.get();
  }

  public TcpProxy swallowFirstAnswer() {
    swallowFirstAnswer = true;
    return this;
  }

  public void cutAll() {
    for (Pair p : pairs) p.close();
  }

  public void freezeAll() {
    for (Pair p : pairs) p.frozen = true;
  }

  /** The connections open now. */
  public int open() {
    return pairs.size();
  }

  /** Cuts one open connection picked by {@code random}; false when none is open. */
  public boolean cutOne(Random random) {
    Pair[] open = pairs.toArray(new Pair[0]);
    if (open.length == 0) return false;
    open[random.nextInt(open.length)].close();
    return true;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        } catch (IOException down) {
          client.close();
          continue;
        }
        int n = accepted.incrementAndGet();
        Pair p = new Pair(client, upstream);
        pairs.add(p);
        pump(p, client.getInputStream(), upstream.getOutputStream(), false);
        pump(p, upstream.getInputStream(), client.getOutputStream(), n == 1 && swallowFirstAnswer);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void pump(Pair p, InputStream in, OutputStream out, boolean swallow) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (swallow) break; // the answer came: the server did the work; the caller never sees it
          while (p.frozen && !p.closed) Thread.sleep(20);
          if (p.closed) break;
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // cut
      }
      p.close();
    }, "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    cutAll();
  }

  private final class Pair {
    final Socket a;
    final Socket b;
    volatile boolean frozen;
    volatile boolean closed;

    Pair(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    void close() {
      closed = true;
      pairs.remove(this);
      try {
        a.close();
      } catch (IOException ignored) {
        // best effort
      }
      try {
        b.close();
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
