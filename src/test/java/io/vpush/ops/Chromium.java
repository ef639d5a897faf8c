package io.vpush.ops;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol with the JDK's WebSocket
 * client: navigate, type, evaluate JavaScript (promises awaited in the page). Enough for page tests, no npm.
 */
final class Chromium implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final Process process;
  private final Path profile;
  private final WebSocket ws;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  private Chromium(Process process, Path profile, String pageSocket) throws Exception {
    this.process = process;
    this.profile = profile;
    this.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).get(10, TimeUnit.SECONDS);
  }

  static Chromium start() throws Exception {
    String binary = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser").filter(p -> Files.isExecutable(Path.of(p)))
        .findFirst().orElseThrow(() -> new AssertionError("chromium is not installed (apt-get install chromium; scripts/test.sh does it)"));
    Path profile = Files.createTempDirectory("vpush-chromium-");
    Process p = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--no-first-run", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    // Readiness of an external process: Chromium writes its DevTools port to this file once it listens.
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (!p.isAlive()) throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(profile.resolve("chromium.log")));
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not open its DevTools port within 30 s");
      }
      Thread.sleep(50);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    String list = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String socket = null;
    for (Object o : new io.vertx.core.json.JsonArray(list)) {
      JsonObject t = (JsonObject) o;
      if ("page".equals(t.getString("type"))) socket = t.getString("webSocketDebuggerUrl");
    }
    if (socket == null) throw new AssertionError("no page target in " + list);
    return new Chromium(p, profile, socket);
  }

  /** Sends one DevTools command and waits for its result; a protocol error fails. */
  JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ws.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true);
    JsonObject r = answer.get(30, TimeUnit.SECONDS);
    if (r.containsKey("error")) throw new AssertionError(method + " failed: " + r.getJsonObject("error").encode());
    return r.getJsonObject("result", new JsonObject());
  }

  /** Navigates and waits for the page's load event. */
  void navigate(String url) throws Exception {
    call("Page.enable", new JsonObject());
    events.clear();
    call("Page.navigate", new JsonObject().put("url", url));
    awaitEvent("Page.loadEventFired");
  }

  /** Evaluates JavaScript in the page; a returned promise is awaited; the value comes back as JSON. */
  Object eval(String expression) throws Exception {
    JsonObject r = call("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("awaitPromise", true).put("returnByValue", true));
    if (r.containsKey("exceptionDetails")) throw new AssertionError("page script failed: " + r.getJsonObject("exceptionDetails").encode());
    return r.getJsonObject("result").getValue("value");
  }

  /** Removes {@code window.WebSocket} from every page loaded from now on, as a browser or a policy without it would. */
  void withoutWebSocket() throws Exception {
    call("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source", "delete window.WebSocket; window.WebSocket = undefined;"));
  }

  /** A page expression that resolves true once {@code condition} holds, or false after 10 s (polled by the page). */
  static String awaitPage(String condition) {
    return """
        new Promise(resolve => {
          const until = Date.now() + 10000;
          (function poll() {
            if (%s) resolve(true);
            else if (Date.now() > until) resolve(false);
            else setTimeout(poll, 50);
          })();
        })""".formatted(condition);
  }

  /** Types text into the focused element, as a keyboard would. */
  void type(String text) throws Exception {
    call("Input.insertText", new JsonObject().put("text", text));
  }

  private void awaitEvent(String method) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      JsonObject e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) throw new AssertionError("no " + method + " within 30 s");
      if (method.equals(e.getString("method"))) return;
    }
  }

  @Override
  public void close() throws IOException {
    ws.abort();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Collects (possibly fragmented) text messages: answers by id, events into the queue. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject m = new JsonObject(partial.toString());
        partial.setLength(0);
        Integer id = m.getInteger("id");
        if (id != null) {
          CompletableFuture<JsonObject> f = pending.remove(id);
          if (f != null) f.complete(m);
        } else {
          events.add(m);
        }
      }
      socket.request(1);
      return null;
    }
  }
}
