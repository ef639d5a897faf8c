package io.vpush.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One Lua script from the classpath, run with EVALSHA and, when the server answers NOSCRIPT (restart,
 * failover, SCRIPT FLUSH, or a cluster master that never saw it), once more with EVAL, which also caches
 * it on that server; the client does not do this by itself.
 */
final class LuaScript {

  /** The keys and arguments of one invocation. */
  record Call(List<String> keys, List<String> args) {}

  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  static LuaScript load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("Lua script missing from the classpath: " + name);
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() { return name; }

  String sha() { return sha; }

  /** SCRIPT LOAD, to check at startup that the server takes the script (its answer must be our sha). */
  Request loadRequest() {
    return Request.cmd(Command.SCRIPT).arg("LOAD").arg(source);
  }

  Future<Response> run(RedisCommands lanes, Call call) {
    return lanes.send(request(Command.EVALSHA, sha, call))
        .recover(e -> isNoScript(e) ? lanes.send(request(Command.EVAL, source, call)) : Future.failedFuture(e));
  }

  /**
   * Runs several invocations pipelined on the caller's lane, answers in order.
   *
   * <p>Cluster: each is its own send with its own NOSCRIPT fallback, so a master that lost the script costs
   * only its own items a second round trip. Standalone: one batch; on NOSCRIPT the whole batch goes again
   * with EVAL. Items already run before a SCRIPT FLUSH in mid-batch then answer as duplicates, except messages with a
   * fresh id (not indexed, see {@link io.vpush.store.NewMessage#freshId}), which are stored a second time under a new
   * seq: the client gets that message twice, with the same id.
   */
  Future<List<Response>> runAll(RedisCommands lanes, List<Call> calls) {
    if (lanes.cluster()) {
      List<Future<Response>> each = calls.stream().map(c -> run(lanes, c)).toList();
      return Future.all(each).map(all -> all.<Response>list());
    }
    return lanes.sendAll(calls.stream().map(c -> request(Command.EVALSHA, sha, c)).toList())
        .recover(e -> isNoScript(e)
            ? lanes.sendAll(calls.stream().map(c -> request(Command.EVAL, source, c)).toList())
            : Future.failedFuture(e));
  }

  private static Request request(Command cmd, String scriptOrSha, Call call) {
    Request r = Request.cmd(cmd).arg(scriptOrSha).arg(call.keys().size());
    for (String k : call.keys()) r.arg(k);
    for (String a : call.args()) r.arg(a);
    return r;
  }

  /** Whether Redis answered with an error reply (the client fails with the reply itself), not a broken connection. */
  static boolean isErrorReply(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Response) return true;
    }
    return false;
  }

  static boolean isNoScript(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.contains("NOSCRIPT")) return true;
    }
    return false;
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
