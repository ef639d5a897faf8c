package io.vpush.bench;

import io.vpush.testing.Processes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a child JVM running a class of this tool, on this process's own Java and classpath. */
final class JvmFork {
  private JvmFork() {}

  /** How long a child (a fleet agent, the bare server, a vpush node, Redis) gets to stop on SIGTERM before SIGKILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  static Process start(List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> env,
                       boolean inheritStdout) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Processes.javaBinary());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (inheritStdout) pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    return pb.start();
  }
}
