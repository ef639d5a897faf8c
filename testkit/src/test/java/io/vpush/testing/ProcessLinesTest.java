package io.vpush.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Readiness lines read off a real child's stdout. */
@Timeout(60)
class ProcessLinesTest {

  private static Process sh(String script) throws Exception {
    return new ProcessBuilder(List.of("sh", "-c", script)).redirectErrorStream(true).start();
  }

  @Test
  void givesTheRestOfTheFirstLineWithThePrefixWhileTheChildRuns() throws Exception {
    Process p = sh("echo starting; echo 'LISTENING  4242 '; echo 'LISTENING 1'; exec sleep 60");
    try {
      assertThat(ProcessLines.awaitPrefix(p, "LISTENING ", 30_000)).contains("4242");
      assertThat(p.isAlive()).as("reading the line does not wait for the exit").isTrue();
    } finally {
      Processes.stop(p, Duration.ofSeconds(5));
    }
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void isEmptyAsSoonAsTheChildExitsWithoutTheLine() throws Exception {
    Process p = sh("echo starting; echo 'not LISTENING 1'");
    // Well before the deadline: the end of the child's output answers the waiter.
    assertThat(ProcessLines.awaitPrefix(p, "LISTENING ", 600_000)).isEmpty();
  }
}
