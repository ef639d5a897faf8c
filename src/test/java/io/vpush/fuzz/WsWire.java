package io.vpush.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A WebSocket client written over a plain socket, so that the fuzz can send what no library would: any opcode,
 * reserved bits, unmasked frames, fragments with control frames between them, invalid UTF-8 in text frames.
 * Reads are blocking with a deadline; one instance per thread.
 */
final class WsWire implements Closeable {

  static final int TEXT = 1, BINARY = 2, CONTINUATION = 0, CLOSE = 8, PING = 9, PONG = 10;

  /** A frame from the server; {@code EOF} when the socket ended, {@code TIMEOUT} when the deadline passed. */
  record Frame(int opcode, byte[] payload) {
    static final Frame EOF = new Frame(-1, new byte[0]);
    static final Frame TIMEOUT = new Frame(-2, new byte[0]);

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame; 1005 when it has none. */
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final SplittableRandom maskSource;
  final int handshakeStatus;

  private WsWire(Socket socket, DataInputStream in, int status, SplittableRandom maskSource) throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.handshakeStatus = status;
    this.maskSource = maskSource;
  }

  /** Connects and sends the upgrade; {@link #handshakeStatus} is the answer's status (101 when upgraded), -1 if none came. */
  static WsWire open(int port, String path, Map<String, String> extraHeaders, long deadlineNanos, SplittableRandom r) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setTcpNoDelay(true);
    StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
    byte[] key = new byte[16];
    for (int i = 0; i < key.length; i++) key[i] = (byte) r.nextInt(256);
    req.append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n");
    extraHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    req.append("\r\n");
    s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
    int status = -1;
    try {
      String statusLine = line(s, in, deadlineNanos);
      // A refusal of a head that did not decode comes as HTTP/1.0 (the request's version was never read).
      if (statusLine != null && statusLine.matches("HTTP/1\\.[01] \\d{3}.*")) status = Integer.parseInt(statusLine.substring(9, 12));
      for (String h = line(s, in, deadlineNanos); h != null && !h.isEmpty(); h = line(s, in, deadlineNanos)) {
        // headers are not needed
      }
    } catch (SocketTimeoutException | EOFException e) {
      status = -1;
    }
    return new WsWire(s, in, status, r);
  }

  private static String line(Socket s, InputStream in, long deadlineNanos) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      s.setSoTimeout(remainingMs(deadlineNanos));
      int c = in.read();
      if (c < 0) throw new EOFException();
      if (c == '\n') break;
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  static int remainingMs(long deadlineNanos) {
    return (int) Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  /** Writes one frame; {@code rsv} goes in the three reserved bits. */
  void send(int opcode, boolean fin, byte[] payload, boolean masked, int rsv) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f));
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      f.write(maskBit | payload.length);
    } else if (payload.length < 65536) {
      f.write(maskBit | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length & 0xff);
    } else {
      f.write(maskBit | 127);
      for (int i = 7; i >= 0; i--) f.write((int) (((long) payload.length >>> (8 * i)) & 0xff));
    }
    if (masked) {
      byte[] mask = new byte[4];
      for (int i = 0; i < 4; i++) mask[i] = (byte) maskSource.nextInt(256);
      f.write(mask);
      byte[] p = payload.clone();
      for (int i = 0; i < p.length; i++) p[i] ^= mask[i & 3];
      f.write(p);
    } else {
      f.write(payload);
    }
    out.write(f.toByteArray());
  }

  void sendText(String text) throws IOException {
    send(TEXT, true, text.getBytes(StandardCharsets.UTF_8), true, 0);
  }

  /** The next whole message (fragments joined) or control frame, waiting at most until the deadline. */
  Frame read(long deadlineNanos) throws IOException {
    ByteArrayOutputStream message = null;
    int messageOpcode = 0;
    while (true) {
      try {
        socket.setSoTimeout(remainingMs(deadlineNanos));
        int b0 = in.read();
        if (b0 < 0) return Frame.EOF;
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) len = in.readUnsignedShort();
        else if (len == 127) len = in.readLong();
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
          mask = new byte[4];
          in.readFully(mask);
        }
        if (len > 64 * 1024 * 1024) throw new IOException("server frame of " + len + " bytes");
        byte[] p = new byte[(int) len];
        in.readFully(p);
        if (mask != null) for (int i = 0; i < p.length; i++) p[i] ^= mask[i & 3];
        int opcode = b0 & 0x0f;
        boolean fin = (b0 & 0x80) != 0;
        if (opcode >= 8) return new Frame(opcode, p);
        if (opcode != CONTINUATION) {
          message = new ByteArrayOutputStream();
          messageOpcode = opcode;
        }
        if (message == null) throw new IOException("continuation without a start from the server");
        message.write(p);
        if (fin) return new Frame(messageOpcode, message.toByteArray());
      } catch (SocketTimeoutException e) {
        return Frame.TIMEOUT;
      } catch (EOFException e) {
        return Frame.EOF;
      } catch (java.net.SocketException e) {
        // connection reset: the server dropped the socket without a close frame
        return Frame.EOF;
      }
    }
  }

  /** Half-closes: no more frames from this side. */
  void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to free
    }
  }
}
