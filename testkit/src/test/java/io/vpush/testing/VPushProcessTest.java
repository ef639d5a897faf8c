package io.vpush.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the process fixture says when there is no server jar to run (a running server is tested by the ITs using it). */
class VPushProcessTest {

  @TempDir Path dir;

  @Test
  void aMissingJarIsNamedWithHowToBuildIt() {
    Path jar = dir.resolve("vpush.jar");
    assertThatThrownBy(() -> VPushProcess.builder().jar(jar).launch())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(jar.toString())
        .hasMessageContaining("mvn -B package -DskipTests");
  }
}
