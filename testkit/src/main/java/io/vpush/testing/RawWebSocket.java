package io.vpush.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain blocking {@link Socket}, for clients that misbehave in ways a WebSocket library does
 * not allow: it reads only when asked (so a test can stop reading entirely, with a small fixed receive buffer), writes
 * any frame, and tells how the TCP connection ended (close frame, FIN or reset).
 */
public final class RawWebSocket implements AutoCloseable {

  /** One frame read from the server. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame, or -1. */
    public int closeCode() {
      return opcode == 8 && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  /** How the connection ended, seen from this side. */
  public enum End { EOF, RESET }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Connects and completes the upgrade to {@code path} (e.g. {@code /eventbus/websocket?token=...}).
   *
   * @param receiveBuffer SO_RCVBUF set before connecting (the kernel then does not grow it), or 0 for the default
   */
  public static RawWebSocket connect(int port, String path, int receiveBuffer) {
    try {
      Socket s = new Socket();
      if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      s.setSoTimeout(10_000);
      RawWebSocket ws = new RawWebSocket(s);
      ws.handshake(path);
      return ws;
    } catch (IOException e) {
      throw new AssertionError("cannot connect to " + path, e);
    }
  }

  private void handshake(String path) throws IOException {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    // Read the response head byte by byte, so no frame byte after it is consumed.
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new EOFException("connection closed during the handshake: " + head);
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + head);
  }

  /** Writes a masked text frame. */
  public void sendText(String text) {
    sendFrame(1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a masked ping frame (payload at most 125 bytes). */
  public void sendPing(byte[] payload) {
    sendFrame(9, payload);
  }

  /** Writes one masked, final frame of any opcode. */
  public void sendFrame(int opcode, byte[] payload) {
    try {
      out.write(encode(opcode, payload));
      out.flush();
    } catch (IOException e) {
      throw new AssertionError("write failed", e);
    }
  }

  /** Writes a frame's bytes without throwing when the server has gone (for floods that end in a close). */
  public boolean trySendFrame(int opcode, byte[] payload) {
    try {
      out.write(encode(opcode, payload));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A masked, final frame as bytes; a caller may write many of them at once. */
  public static byte[] encode(int opcode, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(0x80 | opcode);
    int n = payload.length;
    if (n < 126) {
      f.write(0x80 | n);
    } else if (n < 65536) {
      f.write(0x80 | 126);
      f.write(n >>> 8);
      f.write(n);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) f.write((int) ((long) n >>> (8 * i)));
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.write(mask, 0, 4);
    for (int i = 0; i < n; i++) f.write(payload[i] ^ mask[i & 3]);
    return f.toByteArray();
  }

  /** Reads the next frame, waiting up to {@code timeout}. */
  public Frame read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) len = in.readUnsignedShort();
    else if (len == 127) len = in.readLong();
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, payload);
  }

  /**
   * Reads frames until the server's close frame and returns its code; fails when the connection ends first or nothing
   * comes within {@code timeout}.
   */
  public int awaitCloseCode(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        Frame f = read(Duration.ofMillis(left));
        if (f.opcode() == 8) return f.closeCode();
      }
    } catch (IOException e) {
      throw new AssertionError("no close frame: " + e, e);
    }
  }

  /**
   * Reads and drops whatever arrives until the TCP connection ends; fails when it is still open after {@code timeout}.
   */
  public End awaitEnd(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] sink = new byte[64 * 1024];
    try {
      InputStream raw = socket.getInputStream();
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw new AssertionError("connection still open after " + timeout);
        socket.setSoTimeout((int) left);
        if (raw.read(sink) < 0) return End.EOF;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("connection still open after " + timeout, e);
    } catch (SocketException e) {
      return End.RESET;
    } catch (IOException e) {
      throw new AssertionError("unexpected " + e, e);
    }
  }

  /** The socket, for writes in bulk. */
  public OutputStream output() {
    return out;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // gone already
    }
  }
}
