package io.vpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The server's fat jar (target/vpush.jar) holds the server only: no load generator (bench/, its own jar) and no test
 * fixture (testkit/); and {@code vpush bench} says where the load generator is instead of running it.
 */
class ServerJarIT {

  private static final Path JAR = Path.of("target", "vpush.jar");

  @Test
  void holdsNoLoadGeneratorAndNoTestKitClass() throws IOException {
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      List<String> names = zip.stream().map(e -> e.getName()).toList();
      assertThat(names).contains("io/vpush/VPush.class");
      assertThat(names).filteredOn(n -> n.startsWith("io/vpush/bench/") || n.startsWith("io/vpush/testing/")).isEmpty();
    }
  }

  @Test
  void benchCommandNamesTheBenchJarAndExitsWithAUsageError() throws Exception {
    Process p = new ProcessBuilder(Processes.javaBinary(), "-jar", JAR.toString(), "bench", "unicast", "--in-process")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("java -jar bench/target/vpush-bench.jar").contains("mvn -B -f bench/pom.xml package");
  }
}
