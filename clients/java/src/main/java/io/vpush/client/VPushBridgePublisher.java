package io.vpush.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Publishes for services over vpush's TCP event-bus bridge (4-byte big-endian length + JSON, {@code send} to
 * {@code vpush.publish} with {@code headers.apiKey}). Like {@link VPushPublisher}, every publish carries an id that
 * stays the same across its retries, so a retry after a lost connection or an {@code unavailable} is idempotent.
 *
 * <p>One connection, opened on first use and re-opened after a failure; calls are serialized (synchronized) and block.
 * Over TLS ({@code tcpBridge.tls} on the node) give an {@link SSLSocketFactory}: the host name is verified against the
 * node's certificate, and the factory's key manager presents a client certificate when the node asks for one.
 */
public final class VPushBridgePublisher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_FRAME = 16 * 1024 * 1024;

  private final String host;
  private final int port;
  private final String apiKey;
  private final int maxAttempts;
  private final long backoffBaseMs;
  private final long backoffMaxMs;
  private final int timeoutMs;
  /** Null: plain TCP. */
  private final SSLSocketFactory tls;
  private Socket socket;
  private DataInputStream in;
  private DataOutputStream out;
  private long replies;

  /**
   * @param host the bridge's host ({@code tcpBridge.host})
   * @param port the bridge's port ({@code tcpBridge.port}, 7000 by default)
   * @param apiKey the API key ({@code api.key})
   * @param maxAttempts attempts in all, the first included
   * @param timeout connect and answer timeout of one attempt
   */
  public VPushBridgePublisher(String host, int port, String apiKey, int maxAttempts, Duration timeout) {
    this(host, port, apiKey, maxAttempts, timeout, null);
  }

  /**
   * As {@link #VPushBridgePublisher(String, int, String, int, Duration)}, over TLS when {@code tls} is not null
   * (e.g. {@code sslContext.getSocketFactory()}, or {@code SSLSocketFactory.getDefault()} for the JVM's trusted CAs).
   */
  public VPushBridgePublisher(String host, int port, String apiKey, int maxAttempts, Duration timeout, SSLSocketFactory tls) {
    this.tls = tls;
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    this.host = Objects.requireNonNull(host);
    this.port = port;
    this.apiKey = Objects.requireNonNull(apiKey);
    this.maxAttempts = maxAttempts;
    this.backoffBaseMs = 100;
    this.backoffMaxMs = 5_000;
    this.timeoutMs = (int) timeout.toMillis();
  }

  /** Publishes {@code payload} to {@code user} under {@code id}: publishing the same id again is a no-op. */
  public VPushPublisher.Result publish(String user, String id, Object payload) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("user", Objects.requireNonNull(user)).put("id", Objects.requireNonNull(id));
    body.set("payload", JSON.valueToTree(payload));
    return publishRaw(body);
  }

  /** Publishes a request as the API documents it; an {@code id} is added when missing and kept across retries. */
  public synchronized VPushPublisher.Result publishRaw(ObjectNode request) throws IOException, InterruptedException {
    ObjectNode body = request.deepCopy();
    if (!body.hasNonNull("id")) body.put("id", UUID.randomUUID().toString());
    String id = body.get("id").asText();
    Backoff backoff = new Backoff(backoffBaseMs, backoffMaxMs, 0);
    Exception last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      String replyAddress = "vpush-publish-" + (++replies);
      ObjectNode frame = JSON.createObjectNode().put("type", "send").put("address", "vpush.publish")
          .put("replyAddress", replyAddress);
      frame.putObject("headers").put("apiKey", apiKey);
      frame.set("body", body);
      try {
        ensureOpen();
        write(frame);
        JsonNode answer = readReply(replyAddress);
        if ("message".equals(answer.path("type").asText())) {
          JsonNode b = answer.path("body");
          return new VPushPublisher.Result(b.path("id").asText(id), b.path("seq").asLong(-1),
              b.path("duplicate").asBoolean(false), attempt, b);
        }
        int code = answer.path("failureCode").asInt(500);
        VPushException refusal = new VPushException(answer.path("failureType").asText("error"), answer.path("message").asText());
        if (code != 429 && code < 500) throw refusal;
        last = refusal;
      } catch (IOException e) {
        // Unknown outcome: the publish may be stored. A new connection, the same id.
        last = e;
        closeQuietly();
      }
      if (attempt < maxAttempts) Thread.sleep(backoff.nextDelayMs(ThreadLocalRandom.current().nextDouble()));
    }
    throw new IOException("publish " + id + " failed after " + maxAttempts + " attempts", last);
  }

  private void ensureOpen() throws IOException {
    if (socket != null) return;
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), timeoutMs);
    s.setSoTimeout(timeoutMs);
    s.setTcpNoDelay(true);
    if (tls != null) {
      SSLSocket secure = (SSLSocket) tls.createSocket(s, host, port, true);
      SSLParameters params = secure.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host dialled
      secure.setSSLParameters(params);
      try {
        secure.startHandshake();
      } catch (IOException e) {
        secure.close();
        throw e;
      }
      s = secure;
    }
    socket = s;
    in = new DataInputStream(s.getInputStream());
    out = new DataOutputStream(s.getOutputStream());
  }

  private void write(JsonNode frame) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(frame);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  // Frames for other reply addresses (a late answer to an attempt that timed out) and pongs are skipped.
  private JsonNode readReply(String replyAddress) throws IOException {
    while (true) {
      int len = in.readInt();
      if (len < 0 || len > MAX_FRAME) throw new IOException("bad bridge frame length " + len);
      byte[] bytes = in.readNBytes(len);
      if (bytes.length < len) throw new IOException("bridge connection closed mid-frame");
      JsonNode f = JSON.readTree(bytes);
      String address = f.path("address").asText(null);
      if (replyAddress.equals(address)) return f;
      if ("err".equals(f.path("type").asText()) && address == null) return f;
    }
  }

  private void closeQuietly() {
    Socket s = socket;
    socket = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }
}
