package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.testing.VPushProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The async message handler against a real vpush process: a seq is acked only once its stage completed, messages
 * are handed over one at a time in seq order however the stages' threads finish, a failed stage gets its message
 * again, and a handler slower than the stream loses nothing past the queue's bound.
 */
class VPushClientAsyncIT {
  private static VPushProcess server;
  private static VPushPublisher publisher;
  private final List<VPushClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    // Re-sends after 400 ms: an unacked message comes again while its stage is still running.
    server = TestNodes.start("async", Map.of("VPUSH_ACK_TIMEOUT_MS", "400"));
    publisher = TestNodes.publisher(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(VPushClient::close);
  }

  private VPushClient client(String user, LastSeqStore store, int maxQueued) {
    VPushClient c = VPushClient.builder().url(server.url()).token(() -> TestNodes.token(user, 3600)).clientId("phone")
        .lastSeqStore(store).ackInterval(Duration.ofMillis(20)).maxQueuedMessages(maxQueued)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(5))
        .pingInterval(Duration.ofMillis(300)).deadAfter(Duration.ofMillis(3_000)).build();
    clients.add(c);
    return c;
  }

  private static void publish(String user, int from, int to) throws Exception {
    for (int i = from; i <= to; i++) publisher.publish(user, user + "-m" + i, Map.of("n", i));
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void aSeqIsAckedOnlyAfterItsStageCompleted() throws Exception {
    LastSeqStore store = LastSeqStore.inMemory();
    List<Long> calls = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> work = new CompletableFuture<>();
    VPushClient c = client("async-ack", store, 1000);
    c.onMessageAsync(m -> {
      calls.add(m.seq());
      return work;
    });
    c.connect().get(20, TimeUnit.SECONDS);
    publish("async-ack", 1, 1);
    // No ack while the stage runs: the server sends seq 1 again (ack.timeoutMs 400), twice; the handler is not
    // called again, and nothing is stored.
    VPushClientIT.await("re-sends of 1", () -> c.duplicatesDropped() >= 2);
    assertThat(calls).containsExactly(1L);
    assertThat(store.load()).isEmpty();
    assertThat(c.lastSeq()).isEqualTo(-1);

    work.complete(null);
    VPushClientIT.await("1 stored", () -> store.load().isPresent());
    assertThat(store.load()).hasValue(1);
    c.close(); // sends the pending ack, if the batch had not gone yet

    // A fresh store sends no lastSeq: only the server's cursor, moved by the ack, keeps 1 from coming back.
    publish("async-ack", 2, 2);
    List<Long> second = new CopyOnWriteArrayList<>();
    VPushClient d = client("async-ack", LastSeqStore.inMemory(), 1000);
    d.onMessageAsync(m -> {
      second.add(m.seq());
      return CompletableFuture.completedFuture(null);
    });
    d.connect().get(20, TimeUnit.SECONDS);
    VPushClientIT.await("2", () -> second.contains(2L));
    assertThat(second).containsExactly(2L);
  }

  @Test
  void aStageStillRunningAtCloseLeavesItsSeqOnTheServer() throws Exception {
    VPushClient c = client("async-open", LastSeqStore.inMemory(), 1000);
    List<Long> calls = new CopyOnWriteArrayList<>();
    c.onMessageAsync(m -> {
      calls.add(m.seq());
      return new CompletableFuture<>(); // never completes
    });
    c.connect().get(20, TimeUnit.SECONDS);
    publish("async-open", 1, 2);
    VPushClientIT.await("1 called", () -> calls.size() >= 1);
    c.close();
    assertThat(calls).containsExactly(1L); // 2 waits behind 1

    List<Long> again = new CopyOnWriteArrayList<>();
    VPushClient d = client("async-open", LastSeqStore.inMemory(), 1000);
    d.onMessageAsync(m -> {
      again.add(m.seq());
      return CompletableFuture.completedFuture(null);
    });
    d.connect().get(20, TimeUnit.SECONDS);
    VPushClientIT.await("1..2 again", () -> again.size() >= 2);
    assertThat(again).isEqualTo(range(1, 2));
  }

  @Test
  void messagesAreHandedOverOneAtATimeInOrderWhateverTheStagesTimes() throws Exception {
    int n = 30;
    LastSeqStore store = LastSeqStore.inMemory();
    List<Long> calls = new CopyOnWriteArrayList<>();
    List<Long> completions = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    VPushClient c = client("async-order", store, 1000);
    c.onMessageAsync(m -> {
      if (running.incrementAndGet() > 1) overlaps.incrementAndGet();
      calls.add(m.seq());
      // Earlier seqs take longer, on other threads: called all at once, later stages would finish first.
      Executor later = CompletableFuture.delayedExecutor(2L * (n - m.seq()) + 1, TimeUnit.MILLISECONDS);
      return CompletableFuture.runAsync(() -> {
        completions.add(m.seq());
        running.decrementAndGet();
      }, later);
    });
    c.connect().get(20, TimeUnit.SECONDS);
    publish("async-order", 1, n);
    VPushClientIT.await("all stored", () -> store.load().orElse(0) >= n);
    assertThat(calls).isEqualTo(range(1, n));
    assertThat(completions).isEqualTo(range(1, n));
    assertThat(overlaps.get()).isZero();
  }

  @Test
  void aFailedStageGetsItsMessageAgainAndNothingIsSkipped() throws Exception {
    LastSeqStore store = LastSeqStore.inMemory();
    List<Long> calls = new CopyOnWriteArrayList<>();
    List<Long> done = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    VPushClient c = client("async-fails", store, 1000);
    c.onError(errors::add);
    c.onMessageAsync(m -> {
      calls.add(m.seq());
      if (m.seq() == 2 && failures.getAndIncrement() == 0) {
        return CompletableFuture.supplyAsync(() -> {
          throw new IllegalStateException("app failed on 2");
        });
      }
      return CompletableFuture.runAsync(() -> done.add(m.seq()));
    });
    c.connect().get(20, TimeUnit.SECONDS);
    publish("async-fails", 1, 3);
    VPushClientIT.await("1..3 processed", () -> done.size() >= 3 && store.load().orElse(0) >= 3);
    // Not processed means not stored and not acked: 2 comes again (after a re-dial), and 3 only after it.
    assertThat(done).isEqualTo(range(1, 3));
    assertThat(calls).containsExactly(1L, 2L, 2L, 3L);
    assertThat(errors).anyMatch(e -> e instanceof IllegalStateException && "app failed on 2".equals(e.getMessage()));
  }

  @Test
  void pastTheQueueBoundNothingIsLostWhileTheHandlerCatchesUp() throws Exception {
    int n = 40;
    LastSeqStore store = LastSeqStore.inMemory();
    List<Long> calls = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> first = new CompletableFuture<>();
    VPushClient c = client("async-full", store, 5);
    c.onError(errors::add);
    c.onMessageAsync(m -> {
      calls.add(m.seq());
      return m.seq() == 1 ? first : CompletableFuture.completedFuture(null);
    });
    c.connect().get(20, TimeUnit.SECONDS);
    publish("async-full", 1, n); // 1 is in flight, 2..6 wait, the rest are left on the server
    VPushClientIT.await("the bound reported", () -> errors.stream().anyMatch(e -> e.getMessage().contains("more than 5")));
    assertThat(calls).containsExactly(1L);
    first.complete(null);
    VPushClientIT.await("all stored", () -> store.load().orElse(0) >= n);
    assertThat(calls).isEqualTo(range(1, n));
    assertThat(c.state()).isEqualTo(State.CONNECTED);
  }
}
