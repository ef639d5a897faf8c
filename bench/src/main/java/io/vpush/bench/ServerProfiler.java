package io.vpush.bench;

import com.sun.tools.attach.VirtualMachine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * async-profiler in the server JVMs over the measured windows of a run ({@code --profiler <libasyncProfiler.so>}):
 * loaded through the Attach API, it samples exactly while a {@link ServerMeter} measures (a step, a reconnect round),
 * so the warm-up and the phases between windows stay out and the profile matches the report's CPU figures. When the
 * scenario ends each JVM leaves a flame graph ({@code .html}) and its collapsed stacks beside the report, and a
 * {@link ProfileSummary} in the report's {@code profile}. The sampler sees Java and kernel frames alike, which JFR
 * does not (the node spends a third or more of its CPU in the kernel). {@code --profiler-event} (cpu) and
 * {@code --profiler-interval} (1ms) are async-profiler's own options.
 */
final class ServerProfiler {

  private final String library;
  private final String sampling;
  private final List<Long> pids;
  private boolean running;
  private int windows;

  private ServerProfiler(String library, String sampling, List<Long> pids) {
    this.library = library;
    this.sampling = sampling;
    this.pids = pids;
  }

  /** A profiler for the target's server JVMs, or null without {@code --profiler}; checks the options before the run. */
  static ServerProfiler of(BenchOptions o, Target target) {
    if (!o.has("profiler")) return null;
    Path lib = Path.of(o.str("profiler", ""));
    if (!Files.isReadable(lib)) {
      throw new IllegalArgumentException("--profiler " + lib + ": no such file (scripts/profiler.sh fetches async-profiler"
          + " and prints the library's path)");
    }
    if (target.inProcess()) {
      throw new IllegalArgumentException("--profiler needs a server in its own JVM, not --in-process");
    }
    String sampling = "event=" + o.str("profiler-event", "cpu") + ",interval=" + o.str("profiler-interval", "1ms");
    return new ServerProfiler(lib.toAbsolutePath().toString(), sampling, target.serverPids());
  }

  /** Starts sampling (the first window) or resumes it, keeping what earlier windows collected. A refusal fails the run. */
  synchronized void resume() {
    if (running) return;
    String action = windows > 0 ? "resume," : "start,";
    for (long pid : pids) load(pid, action + sampling);
    running = true;
    windows++;
  }

  /** Stops sampling until the next window. */
  synchronized void pause() {
    if (!running) return;
    running = false;
    // A stop writes its output somewhere; the samples stay for the next resume and the final dump.
    for (long pid : pids) {
      try {
        load(pid, "stop,file=/dev/null");
      } catch (RuntimeException e) {
        // A JVM that is gone keeps nothing to profile; stop() reports it.
      }
    }
  }

  /**
   * Writes {@code <base>-profile-<pid>.html} and {@code .collapsed} into {@code dir}; returns {@code {sampling,
   * windows, jvms: [{pid, html, collapsed, samples, shares, topVpush} or {pid, error}]}}.
   */
  synchronized JsonObject stop(Path dir, String base) throws IOException {
    pause();
    Files.createDirectories(dir);
    JsonArray jvms = new JsonArray();
    for (long pid : windows > 0 ? pids : List.<Long>of()) {
      Path html = dir.resolve(base + "-profile-" + pid + ".html");
      Path collapsed = dir.resolve(base + "-profile-" + pid + ".collapsed");
      try {
        load(pid, "dump,file=" + html.toAbsolutePath());
        load(pid, "dump,file=" + collapsed.toAbsolutePath());
        jvms.add(new JsonObject().put("pid", pid).put("html", html.getFileName().toString())
            .put("collapsed", collapsed.getFileName().toString())
            .mergeIn(ProfileSummary.of(Files.readAllLines(collapsed)).toJson(12)));
      } catch (RuntimeException e) {
        // A JVM that is gone (a cluster node stopped by its scenario) loses its profile, not the run's report.
        jvms.add(new JsonObject().put("pid", pid).put("error", e.getMessage()));
      }
    }
    return new JsonObject().put("sampling", sampling).put("windows", windows).put("jvms", jvms);
  }

  private void load(long pid, String options) {
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      try {
        vm.loadAgentPath(library, options);
      } finally {
        vm.detach();
      }
    } catch (Exception e) {
      throw new IllegalStateException("async-profiler '" + options + "' in pid " + pid + ": " + e, e);
    }
  }
}
