package io.vpush.bench;

import io.vpush.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the Node storm driver ({@code clients/js/bench/storm.mjs}, {@code --storm-script} to override; run from the
 * repository root): {@code count} clients of one mode (raw or sdk) in one Node process, which speaks
 * {@link FleetAgent}'s protocol, so a {@link ForkedFleet} drives it. Its tokens are minted here ({@link Tokens}) and
 * handed over in a file; its open-file limit is raised to the hard limit first.
 */
final class NodeStorm {
  private NodeStorm() {}

  static Process start(BenchOptions o, Target target, FleetConfig cfg, Tokens tokens, String mode) throws IOException {
    Path script = Path.of(o.str("storm-script", "clients/js/bench/storm.mjs"));
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException(script + " not found: run the bench from the repository root");
    }
    Path ws = script.toAbsolutePath().getParent().resolveSibling("node_modules").resolve("ws");
    if (!Files.isDirectory(ws)) {
      throw new IllegalStateException(ws + " is missing: run `npm ci` in " + ws.getParent().getParent());
    }
    Path tokenFile = Files.createTempFile("vpush-storm-" + mode + "-", ".tokens");
    tokenFile.toFile().deleteOnExit();
    StringBuilder lines = new StringBuilder();
    for (int i = cfg.first(); i < cfg.first() + cfg.count(); i++) {
      lines.append(cfg.user(i)).append('\t').append(tokens.forUser(cfg.user(i))).append('\n');
    }
    Files.writeString(tokenFile, lines, StandardCharsets.US_ASCII);
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$0\" \"$@\"",
        o.str("node", Processes.findOnPath("node"))));
    cmd.addAll(o.list("node-args"));
    cmd.addAll(List.of(script.toString(), "--mode", mode,
        "--url", "http://" + target.host() + ":" + target.clientPorts().get(0), "--tokens", tokenFile.toString(),
        "--connect-concurrency", Integer.toString(cfg.connectConcurrency()),
        "--connect-timeout-ms", Long.toString(cfg.connectTimeoutMs())));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
