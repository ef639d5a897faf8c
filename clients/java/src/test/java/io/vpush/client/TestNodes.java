package io.vpush.client;

import io.vpush.testing.Hs256Tokens;
import io.vpush.testing.VPushProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The SDK tests' vpush nodes: the test kit's {@link VPushProcess} in production mode with a known JWT secret and API
 * key and a free bridge port, ready before it is handed out; and HS256 client tokens for that secret.
 */
final class TestNodes {
  static final String SECRET = "sdk-java-test-secret-0123456789abcdef";
  static final String API_KEY = "sdk-java-test-key";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private TestNodes() {}

  /** A node (memory store unless {@code env} says otherwise) with extra {@code VPUSH_*} settings, ready. */
  static VPushProcess start(String name, Map<String, String> env) {
    VPushProcess node = VPushProcess.builder().name("sdk-java-" + name).freeBridgePort()
        .env("VPUSH_MODE", "production").env("VPUSH_STORE", "memory").env("VPUSH_JWT_SECRET", SECRET).env("VPUSH_API_KEY", API_KEY)
        .env(env).start();
    try {
      return node.awaitReady(Duration.ofSeconds(60));
    } catch (AssertionError e) {
      node.close();
      throw e;
    }
  }

  /** A publisher of {@code node}'s HTTP API. */
  static VPushPublisher publisher(VPushProcess node) {
    return VPushPublisher.builder().url(node.url()).apiKey(API_KEY).build();
  }

  /** DELETE /api/v1/users/{user}/connections: kicks cluster-wide; returns the answer's body. */
  static String kick(VPushProcess node, String user) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(node.uri("/api/v1/users/" + user + "/connections"))
        .header("Authorization", "Bearer " + API_KEY).DELETE().build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** GET {@code path} with the API key; returns the answer's body. */
  static String get(VPushProcess node, String path) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(node.uri(path)).header("Authorization", "Bearer " + API_KEY).build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** An HS256 client token for {@code user}, valid for {@code ttlSeconds} (negative: already expired). */
  static String token(String user, long ttlSeconds) {
    return Hs256Tokens.mint(SECRET, user, ttlSeconds);
  }

}
