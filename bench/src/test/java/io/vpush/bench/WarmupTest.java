package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WarmupTest {

  private final List<Long> calls = new ArrayList<>();

  private JsonObject load(long ms) {
    calls.add(ms);
    return new JsonObject().put("accepted", 1);
  }

  private static Warmup warmup(List<Long> pids, String... args) {
    return new Warmup(pids, BenchOptions.parse(args));
  }

  @Test
  void noWarmupWithoutWarmupMs() throws InterruptedException {
    assertThat(warmup(List.of(ProcessHandle.current().pid())).run(this::load)).isNull();
    assertThat(calls).isEmpty();
  }

  @Test
  void aRemoteTargetGetsTheMinimumOnce() throws InterruptedException {
    JsonObject w = warmup(List.of(), "--warmup-ms", "2500").run(this::load);
    assertThat(calls).containsExactly(2500L);
    assertThat(w.getInteger("rounds")).isEqualTo(1);
  }

  @Test
  void stopsAtTheMinimumOnceTheJitIsQuiet() throws InterruptedException {
    JsonObject w = warmup(List.of(ProcessHandle.current().pid()), "--warmup-ms", "2000", "--warmup-round-ms", "1000",
        // Any JIT share counts as quiet: this fake round lasts microseconds, and one 10 ms tick of compiler time read
        // in it made a share over 100,000% (a failure seen once).
        "--warmup-max-ms", "5000", "--warmup-jit-percent", "Infinity").run(this::load);
    assertThat(calls).containsExactly(1000L, 1000L);
    assertThat(w.getBoolean("settled")).isTrue();
    assertThat(w.getJsonArray("rounds")).hasSize(2);
  }

  @Test
  void goesOnWhileTheJitIsBusyUpToTheMaximum() throws InterruptedException {
    JsonObject w = warmup(List.of(ProcessHandle.current().pid()), "--warmup-ms", "1000", "--warmup-round-ms", "1000",
        "--warmup-max-ms", "2500", "--warmup-jit-percent", "-1").run(this::load);
    assertThat(calls).containsExactly(1000L, 1000L, 500L);
    assertThat(w.getBoolean("settled")).isFalse();
    assertThat(w.getLong("warmupMs")).isEqualTo(2500);
  }

  @Test
  void settledIsTheJitShareOfOneCore() {
    assertThat(Warmup.settled(0.4, 10, 5)).isTrue();
    assertThat(Warmup.settled(0.6, 10, 5)).isFalse();
    assertThat(Warmup.settled(0, 0, 5)).isFalse();
  }
}
