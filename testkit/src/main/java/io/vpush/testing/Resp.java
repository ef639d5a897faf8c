package io.vpush.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/** One Redis command over a fresh socket, for the fixtures' own checks (the server under test uses its real client). */
final class Resp {
  private Resp() {}

  /**
   * Sends {@code args} to 127.0.0.1:{@code port} (over TLS when {@code tls} is given) and returns a simple, integer or
   * bulk reply, or an array's elements one per line.
   *
   * @throws IllegalStateException on an error reply
   */
  static String call(SSLContext tls, int port, String... args) throws IOException {
    try (Socket s = tls == null ? new Socket() : tls.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      s.setSoTimeout(3_000);
      OutputStream out = s.getOutputStream();
      StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
      }
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return reply(new BufferedInputStream(s.getInputStream()));
    }
  }

  /** One reply: a simple value, or an array's elements one per line (nested arrays flattened). */
  private static String reply(InputStream in) throws IOException {
    String line = readLine(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+', ':':
        return rest;
      case '-':
        throw new IllegalStateException("redis error: " + rest);
      case '$': {
        int len = Integer.parseInt(rest);
        if (len < 0) return null;
        byte[] buf = in.readNBytes(len + 2);
        return new String(buf, 0, len, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(rest);
        if (n < 0) return null;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
          if (i > 0) all.append('\n');
          all.append(reply(in));
        }
        return all.toString();
      }
      default:
        throw new IllegalStateException("unexpected reply: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read();
        break;
      }
      b.write(c);
    }
    if (c == -1 && b.size() == 0) throw new IOException("connection closed");
    return b.toString(StandardCharsets.UTF_8);
  }
}
