package io.vpush.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a child JVM running a class of this tool, on this process's own Java and classpath. */
final class JvmFork {
  private JvmFork() {}

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static Process start(List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> env,
                       boolean inheritStdout) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
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

  /** Asks a child to stop and waits a little; kills it if it does not. */
  static void stop(Process p) {
    if (!p.isAlive()) return;
    p.destroy();
    try {
      if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }
}
