package io.vpush.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vpush.VPushNode;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the unmodified npm Vert.x event-bus bridge client ({@code src/test/js/stock-client.test.mjs}, under
 * {@code node --test}) against an in-process vpush node: the wire contract as a third-party client sees it.
 *
 * <p>Needs Node.js 20+ and npm on the PATH; installs {@code src/test/js/node_modules} with {@code npm ci} when missing.
 */
class StockJsClientIT {

  private static final String SECRET = "stock-js-client-it-secret-0123456789abcdef";
  private static final String API_KEY = "stock-js-client-it-api-key";
  private static final long NODE_TEST_TIMEOUT_S = 180;

  private static final Path JS_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("src/test/js");

  private static Vertx vertx;
  private static VPushNode node;

  @BeforeAll
  static void startNode() throws Exception {
    installNodeModules();
    vertx = Vertx.vertx();
    Map<Setting<?>, Object> test = Map.of(
        Settings.HTTP_HOST, "127.0.0.1",
        Settings.HTTP_PORT, 0,
        Settings.JWT_SECRET, SECRET,
        Settings.API_KEY, API_KEY,
        // The script asserts exact frame sequences: keep ack re-sends out of them even on a slow, shared machine.
        Settings.ACK_TIMEOUT_MS, 30_000,
        // Not under test here, and its fixed default port could clash with other runs on this machine.
        Settings.TCP_BRIDGE_ENABLED, false);
    node = await(VPushNode.start(vertx, VPushConfig.defaults().with(test, "test")));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) await(node.close());
    if (vertx != null) await(vertx.close());
  }

  @Test
  void stockClientSpeaksTheProtocol() throws Exception {
    // A fresh user per run: the script expects an empty inbox, whatever ran before.
    String user = "alice-" + UUID.randomUUID().toString().substring(0, 8);
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    String token = jwt.generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInSeconds(3600));

    // VPUSH_TEST_* so that these never read as vpush settings (ConfigLoader skips that prefix).
    Map<String, String> env = Map.of(
        "VPUSH_TEST_URL", "http://127.0.0.1:" + node.httpPort(),
        "VPUSH_TEST_API_KEY", API_KEY,
        "VPUSH_TEST_USER", user,
        "VPUSH_TEST_TOKEN", token);
    int exit = run(List.of("node", "--test", "stock-client.test.mjs"), env, NODE_TEST_TIMEOUT_S);

    assertThat(exit).as("node --test exit code (the TAP output above says which step failed)").isZero();
  }

  /**
   * The same script over TLS: SockJS over https:// and the publishes over https:// to a node with a certificate made
   * by openssl in the test, trusted by Node through NODE_EXTRA_CA_CERTS (the stock client takes no CA option).
   */
  @Test
  void stockClientSpeaksTheProtocolOverTls() throws Exception {
    try (io.vpush.testing.TestCertificates certs = io.vpush.testing.TestCertificates.create()) {
      Map<Setting<?>, Object> tls = new java.util.HashMap<>(Map.of(Settings.HTTP_HOST, "127.0.0.1", Settings.HTTP_PORT, 0,
          Settings.JWT_SECRET, SECRET, Settings.API_KEY, API_KEY, Settings.ACK_TIMEOUT_MS, 30_000, Settings.TCP_BRIDGE_ENABLED, false));
      tls.put(Settings.TLS_CERT_PATH, certs.serverCert().toString());
      tls.put(Settings.TLS_KEY_PATH, certs.serverKey().toString());
      VPushNode secure = await(VPushNode.start(vertx, VPushConfig.defaults().with(tls, "test")));
      try {
        String user = "alice-tls-" + UUID.randomUUID().toString().substring(0, 8);
        JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
        String token = jwt.generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInSeconds(3600));
        Map<String, String> env = Map.of(
            "VPUSH_TEST_URL", "https://127.0.0.1:" + secure.httpPort(),
            "VPUSH_TEST_API_KEY", API_KEY,
            "VPUSH_TEST_USER", user,
            "VPUSH_TEST_TOKEN", token,
            "NODE_EXTRA_CA_CERTS", certs.caCert().toString());
        int exit = run(List.of("node", "--test", "stock-client.test.mjs"), env, NODE_TEST_TIMEOUT_S);
        assertThat(exit).as("node --test exit code over TLS (the TAP output above says which step failed)").isZero();
      } finally {
        await(secure.close());
      }
    }
  }

  private static void installNodeModules() throws Exception {
    if (Files.exists(JS_DIR.resolve("node_modules/.package-lock.json"))) return;
    List<String> cmd = Files.exists(JS_DIR.resolve("package-lock.json"))
        ? List.of("npm", "ci", "--no-audit", "--no-fund")
        : List.of("npm", "install", "--no-audit", "--no-fund");
    int exit = run(cmd, Map.of(), 300);
    assertThat(exit).as(String.join(" ", cmd) + " in " + JS_DIR).isZero();
  }

  /** Runs a command in src/test/js, copying its output line by line to the test log; kills it past the timeout. */
  private static int run(List<String> command, Map<String, String> env, long timeoutSeconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(JS_DIR.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + command.get(0) + " (Node.js 20+ and npm must be on the PATH)", e);
    }
    String tag = "[" + command.get(0) + "] ";
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) System.out.println(tag + line);
      } catch (IOException e) {
        System.out.println(tag + "output lost: " + e);
      }
    }, "stock-js-output");
    pump.setDaemon(true);
    pump.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
    }
    pump.join(5_000);
    return p.exitValue();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
