package io.vpush.batch;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one batching mechanism: when a batch leaves, what one call gets, and where each caller's answer comes back. */
class BatcherTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  /** Every batch sent, in order. */
  private final List<List<String>> sent = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Answers each item with its text upper-cased, or fails the whole batch when it holds "boom". */
  private Batcher<String, String> batcher(BatchLimits limits) {
    return new Batcher<>(context, limits, (items, answers) -> {
      sent.add(List.copyOf(items));
      if (items.contains("boom")) {
        for (int i = 0; i < answers.size(); i++) answers.fail(i, new IllegalStateException("batch failed"));
      } else {
        for (int i = 0; i < answers.size(); i++) answers.complete(i, items.get(i).toUpperCase());
      }
    });
  }

  @Test
  void whatOneTurnQueuesLeavesAsOneBatchAtItsEndAndEachCallerGetsItsOwnAnswer() throws Exception {
    Batcher<String, String> b = on(() -> batcher(BatchLimits.perTurn(100)));
    List<String> answers = await(on(() -> {
      Future<String> x = b.add("a");
      Future<String> y = b.add("b");
      assertThat(sent).as("nothing leaves within the turn").isEmpty();
      return Future.all(x, y).map(all -> all.<String>list());
    }));
    assertThat(answers).containsExactly("A", "B");
    assertThat(await(on(() -> b.add("c")))).isEqualTo("C");
    assertThat(sent).containsExactly(List.of("a", "b"), List.of("c"));
  }

  @Test
  void aBatchLeavesAtItsMaximumCountAndWeightAndAHeavyItemLeavesAlone() throws Exception {
    Batcher<String, String> b = on(() -> batcher(BatchLimits.perTurn(2).maxWeight(10)));
    await(on(() -> Future.all(List.of(b.add("a", 1), b.add("b", 1), b.add("c", 1), b.add("d", 4), b.add("e", 4),
        b.add("f", 4), b.add("heavy", 30), b.add("g", 1)))));
    assertThat(sent).containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e", "f"), List.of("heavy"), List.of("g"));
  }

  @Test
  void aTimedWindowGathersSeveralTurnsUntilItEndsOrIsFlushed() throws Exception {
    // A window far longer than the test: only the flush can send it, so nothing here depends on timing.
    Batcher<String, String> b = on(() -> batcher(BatchLimits.window(3_600_000, 100)));
    Future<String> first = on(() -> b.add("a"));
    Future<String> second = on(() -> b.add("b"));
    assertThat(on(() -> sent.size())).as("two turns later, still in the window").isZero();
    on(() -> {
      b.flush();
      return null;
    });
    assertThat(await(first)).isEqualTo("A");
    assertThat(await(second)).isEqualTo("B");
    assertThat(sent).containsExactly(List.of("a", "b"));
  }

  @Test
  void aFailedBatchFailsEveryCallerOfItAndNoOther() throws Exception {
    Batcher<String, String> b = on(() -> batcher(BatchLimits.perTurn(100)));
    Future<String> ok = on(() -> b.add("before"));
    assertThat(await(ok)).isEqualTo("BEFORE");
    Future<String> x = on(() -> {
      Future<String> f = b.add("x");
      b.add("boom");
      return f;
    });
    assertThatThrownBy(() -> await(x)).hasMessageContaining("batch failed");
  }

  @Test
  void eachAnswerComesBackOnItsCallersOwnContext() throws Exception {
    Batcher<String, String> b = on(() -> batcher(BatchLimits.perTurn(100)));
    // HTTP requests have contexts of their own, duplicates of their event loop's.
    ContextInternal loop = (ContextInternal) context;
    List<CompletableFuture<Boolean>> onOwn = List.of(new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>());
    // All three calls in one turn of the loop, each made with its own duplicate as the current context.
    loop.runOnContext(v -> {
      for (int i = 0; i < onOwn.size(); i++) {
        ContextInternal own = loop.duplicate();
        CompletableFuture<Boolean> result = onOwn.get(i);
        own.dispatch("r" + i, item -> b.add(item).onComplete(ar -> result.complete(Vertx.currentContext() == own)));
      }
    });
    for (CompletableFuture<Boolean> r : onOwn) assertThat(r.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(sent).hasSize(1);
  }

  @Test
  void anOfferedItemNobodyWaitsForStillLeavesWithItsBatch() throws Exception {
    Batcher<String, String> b = on(() -> batcher(BatchLimits.perTurn(100)));
    assertThat(await(on(() -> {
      b.offer("quiet", 0);
      return b.add("loud");
    }))).isEqualTo("LOUD");
    assertThat(sent).containsExactly(List.of("quiet", "loud"));
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> BatchLimits.perTurn(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BatchLimits(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  private <T> T on(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }
}
