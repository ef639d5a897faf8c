package io.vpush.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

class FatalErrorsTest {

  private final CompletableFuture<Integer> halted = new CompletableFuture<>();
  private final FatalErrors fatal = new FatalErrors(halted::complete);
  private Thread.UncaughtExceptionHandler before;

  @BeforeEach
  void keep() {
    before = Thread.getDefaultUncaughtExceptionHandler();
  }

  @AfterEach
  void restore() {
    Thread.setDefaultUncaughtExceptionHandler(before);
  }

  @Test
  void anOutOfMemoryErrorThatKillsAThreadEndsTheProcess() throws Exception {
    fatal.installUncaughtHandler();
    Thread t = new Thread(() -> {
      throw new OutOfMemoryError("Java heap space");
    }, "vert.x-eventloop-thread-test");
    t.start();
    t.join();
    assertThat(halted.get(5, TimeUnit.SECONDS)).isEqualTo(FatalErrors.OOM_EXIT_STATUS);
  }

  @Test
  void otherUncaughtExceptionsGoToTheHandlerBefore() throws Exception {
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> seen.complete(e));
    fatal.installUncaughtHandler();
    Thread t = new Thread(() -> {
      throw new IllegalStateException("not fatal");
    });
    t.start();
    t.join();
    assertThat(seen.get(5, TimeUnit.SECONDS)).hasMessage("not fatal");
    assertThat(halted).isNotDone();
  }

  @Test
  void anOutOfMemoryErrorInAVertxHandlerEndsTheProcessEvenWrapped() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      fatal.watch(vertx);
      vertx.runOnContext(v -> {
        throw new RuntimeException("decoding failed", new OutOfMemoryError("Direct buffer memory"));
      });
      assertThat(halted.get(5, TimeUnit.SECONDS)).isEqualTo(FatalErrors.OOM_EXIT_STATUS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPlainExceptionInAVertxHandlerIsOnlyLogged() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      fatal.watch(vertx);
      CompletableFuture<Void> after = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        throw new IllegalArgumentException("a bug, not a fatal error");
      });
      vertx.runOnContext(v -> after.complete(null));
      after.get(5, TimeUnit.SECONDS);
      assertThat(halted).isNotDone();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
