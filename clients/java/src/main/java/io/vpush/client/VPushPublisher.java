package io.vpush.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Publishes for services over vpush's HTTP API ({@code POST /api/v1/messages} with the API key). Every publish
 * carries an id (a random UUID when the caller gives none) that stays the same across its retries, so a retried
 * publish is idempotent: the server keeps the first seq and answers {@code duplicate: true}.
 *
 * <p>Retried: connection failures, 5xx (which mean "unknown": the message may be stored) and 429 (after its
 * Retry-After). Not retried: other 4xx (bad input, a wrong key). Calls block; use one publisher from many threads.
 */
public final class VPushPublisher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final List<String> baseUrls;
  private final String apiKey;
  private final int maxAttempts;
  private final Backoff backoffTemplate;
  private final long maxRetryAfterMs;
  private final OkHttpClient http;

  private VPushPublisher(Builder b) {
    this.baseUrls = List.copyOf(b.urls);
    this.apiKey = b.apiKey;
    this.maxAttempts = b.maxAttempts;
    this.backoffTemplate = new Backoff(b.backoffBase.toMillis(), b.backoffMax.toMillis(), 0);
    this.maxRetryAfterMs = b.backoffMax.toMillis();
    // Retries are ours (they keep the id); OkHttp's own silent ones are off.
    this.http = (b.http != null ? b.http.newBuilder() : new OkHttpClient.Builder())
        .retryOnConnectionFailure(false).callTimeout(b.callTimeout).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The answer to a user publish. */
  public record Result(String id, long seq, boolean duplicate, int attempts, JsonNode body) {}

  /** Publishes {@code payload} to {@code user} with a fresh random id. */
  public Result publish(String user, Object payload) throws IOException, InterruptedException {
    return publish(user, UUID.randomUUID().toString(), payload);
  }

  /** Publishes {@code payload} to {@code user} under {@code id}: publishing the same id again is a no-op. */
  public Result publish(String user, String id, Object payload) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("user", Objects.requireNonNull(user)).put("id", Objects.requireNonNull(id));
    body.set("payload", JSON.valueToTree(payload));
    return publishRaw(body);
  }

  /**
   * Publishes a request body as the API documents it ({@code user}/{@code users}/{@code topic}, {@code payload},
   * {@code ttlSeconds}, {@code deliverAt}, {@code devices}); an {@code id} is added when missing.
   */
  public Result publishRaw(ObjectNode request) throws IOException, InterruptedException {
    ObjectNode body = request.deepCopy();
    if (!body.hasNonNull("id")) body.put("id", UUID.randomUUID().toString());
    String id = body.get("id").asText();
    byte[] bytes = JSON.writeValueAsBytes(body);
    Backoff backoff = new Backoff(backoffTemplate.ceilingMs(0), maxRetryAfterMs, 0);
    IOException lastFailure = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      String base = baseUrls.get((attempt - 1) % baseUrls.size());
      Request req = new Request.Builder().url(stripSlash(base) + "/api/v1/messages")
          .header("Authorization", "Bearer " + apiKey)
          .post(RequestBody.create(bytes, JSON_TYPE)).build();
      long waitMs;
      try (Response r = http.newCall(req).execute()) {
        String text = r.body() != null ? r.body().string() : "";
        int code = r.code();
        if (code >= 200 && code < 300) {
          JsonNode answer = text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
          return new Result(answer.path("id").asText(id), answer.path("seq").asLong(-1),
              answer.path("duplicate").asBoolean(false), attempt, answer);
        }
        VPushException refusal = refusal(code, text);
        if (code != 429 && code < 500) throw refusal;
        lastFailure = new IOException("HTTP " + code + " " + refusal.getMessage());
        waitMs = backoff.nextDelayMs(ThreadLocalRandom.current().nextDouble());
        String retryAfter = r.header("Retry-After");
        if (code == 429 && retryAfter != null) {
          try {
            waitMs = Math.min(maxRetryAfterMs, Long.parseLong(retryAfter.trim()) * 1000);
          } catch (NumberFormatException ignored) {
            // keep the backoff
          }
        }
      } catch (IOException e) {
        // Unknown outcome (the request may have been stored): retry with the same id.
        lastFailure = e;
        waitMs = backoff.nextDelayMs(ThreadLocalRandom.current().nextDouble());
      }
      if (attempt < maxAttempts) Thread.sleep(waitMs);
    }
    throw new IOException("publish " + id + " failed after " + maxAttempts + " attempts", lastFailure);
  }

  private static VPushException refusal(int code, String text) {
    try {
      JsonNode j = JSON.readTree(text);
      return new VPushException(j.path("error").asText("http_" + code), j.path("message").asText(text));
    } catch (IOException | RuntimeException e) {
      return new VPushException("http_" + code, text);
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** Options; {@link #url} and {@link #apiKey} are required. */
  public static final class Builder {
    private List<String> urls = List.of();
    private String apiKey;
    private int maxAttempts = 5;
    private Duration backoffBase = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(5);
    private Duration callTimeout = Duration.ofSeconds(10);
    private OkHttpClient http;

    private Builder() {}

    /** The node's base URL, {@code http://host:8080}. */
    public Builder url(String url) {
      this.urls = List.of(url);
      return this;
    }

    /** Several nodes: each retry goes to the next. */
    public Builder urls(List<String> list) {
      this.urls = List.copyOf(list);
      return this;
    }

    public Builder apiKey(String key) {
      this.apiKey = key;
      return this;
    }

    /** Attempts in all (5), the first included. */
    public Builder maxAttempts(int n) {
      this.maxAttempts = n;
      return this;
    }

    /** Backoff between attempts (full jitter): first ceiling and last ceiling (also the cap on Retry-After). */
    public Builder backoff(Duration base, Duration max) {
      this.backoffBase = base;
      this.backoffMax = max;
      return this;
    }

    /** One attempt's whole time (10 s). */
    public Builder callTimeout(Duration d) {
      this.callTimeout = d;
      return this;
    }

    public Builder okHttpClient(OkHttpClient c) {
      this.http = c;
      return this;
    }

    public VPushPublisher build() {
      if (urls.isEmpty()) throw new IllegalArgumentException("url is required");
      if (apiKey == null) throw new IllegalArgumentException("apiKey is required");
      if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
      return new VPushPublisher(this);
    }
  }
}
