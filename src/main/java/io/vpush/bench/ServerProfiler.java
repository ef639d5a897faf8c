package io.vpush.bench;

import com.sun.tools.attach.VirtualMachine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * async-profiler in the server JVMs over the measured part of a run ({@code --profiler <libasyncProfiler.so>}):
 * loaded through the Attach API when the first measured step starts (after the warm-up, so the JIT's first
 * compilations stay out), stopped when the scenario ends. Each JVM leaves a flame graph ({@code .html}) and its
 * collapsed stacks beside the report, and a {@link ProfileSummary} in the report's {@code profile}. The sampler sees
 * Java and kernel frames alike, which JFR does not (the node spends a third or more of its CPU in the kernel).
 * {@code --profiler-event} (cpu) and {@code --profiler-interval} (1ms) are async-profiler's own options.
 */
final class ServerProfiler {

  private final String library;
  private final String startOptions;
  private final List<Long> pids;
  private final List<Long> started = new ArrayList<>();
  private boolean starting;

  private ServerProfiler(String library, String startOptions, List<Long> pids) {
    this.library = library;
    this.startOptions = startOptions;
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
    String options = "start,event=" + o.str("profiler-event", "cpu") + ",interval=" + o.str("profiler-interval", "1ms");
    return new ServerProfiler(lib.toAbsolutePath().toString(), options, target.serverPids());
  }

  /** Starts profiling in every server JVM; later calls do nothing. A JVM that refuses fails the run. */
  synchronized void start() {
    if (starting) return;
    starting = true;
    for (long pid : pids) {
      load(pid, startOptions);
      started.add(pid);
    }
  }

  /**
   * Stops profiling and writes {@code <base>-profile-<pid>.html} and {@code .collapsed} into {@code dir};
   * returns {@code {event, jvms: [{pid, html, collapsed, samples, shares, topVpush} or {pid, error}]}}.
   */
  synchronized JsonObject stop(Path dir, String base) throws IOException {
    Files.createDirectories(dir);
    JsonArray jvms = new JsonArray();
    for (long pid : started) {
      Path html = dir.resolve(base + "-profile-" + pid + ".html");
      Path collapsed = dir.resolve(base + "-profile-" + pid + ".collapsed");
      try {
        load(pid, "dump,file=" + html.toAbsolutePath());
        load(pid, "stop,file=" + collapsed.toAbsolutePath());
        jvms.add(new JsonObject().put("pid", pid).put("html", html.getFileName().toString())
            .put("collapsed", collapsed.getFileName().toString())
            .mergeIn(ProfileSummary.of(Files.readAllLines(collapsed)).toJson(12)));
      } catch (RuntimeException e) {
        // A JVM that is gone (a cluster node stopped by its scenario) loses its profile, not the run's report.
        jvms.add(new JsonObject().put("pid", pid).put("error", e.getMessage()));
      }
    }
    started.clear();
    return new JsonObject().put("options", startOptions).put("jvms", jvms);
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
