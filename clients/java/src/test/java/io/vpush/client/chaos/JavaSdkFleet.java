package io.vpush.client.chaos;

import io.vpush.client.State;
import io.vpush.client.VPushClient;
import io.vpush.testing.Hs256Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Java SDK's fleet: {@link VPushClient}s in this JVM. Every other client has an async handler ({@code
 * onMessageAsync}) whose stage completes on another thread, so acks that wait for a stage are under chaos too.
 */
final class JavaSdkFleet implements SdkFleet {
  private final List<VPushClient> clients = new ArrayList<>();
  private final ExecutorService handlerThreads = Executors.newFixedThreadPool(2);
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final List<String> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closing;

  @Override
  public void connect(List<String> urls, List<String> users, SeqAudit audit) throws Exception {
    List<CompletableFuture<Void>> registered = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      String user = users.get(i);
      VPushClient c = VPushClient.builder().urls(urls).token(() -> Hs256Tokens.mint(ChaosCluster.SECRET, user, 3600))
          .clientId(user + "-device").backoff(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5)).build();
      if (i % 2 == 0) c.onMessage(m -> audit.handled(user, m.seq(), m.id()));
      else c.onMessageAsync(m -> CompletableFuture.runAsync(() -> audit.handled(user, m.seq(), m.id()), handlerThreads));
      c.onGap(g -> audit.gap(user, "after " + g.afterSeq() + " before " + g.beforeSeq()));
      c.onState(s -> {
        if (s.state() == State.CONNECTED) connects.incrementAndGet();
        // A client that stops (kicked, auth) during the stream loses the rest of it: name it for the post-mortem.
        if (s.state() == State.CLOSED && !closing) stopped.add(user + " (" + s.reason() + ")");
      });
      c.onError(e -> errors.incrementAndGet());
      clients.add(c);
      registered.add(c.connect());
    }
    CompletableFuture.allOf(registered.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  @Override
  public String summary() {
    long dropped = clients.stream().mapToLong(VPushClient::duplicatesDropped).sum();
    return clients.size() + " Java SDK clients, " + connects.get() + " connects, " + errors.get() + " errors, "
        + dropped + " re-sent messages dropped as duplicates by the SDK, stopped during the stream: " + stopped;
  }

  @Override
  public void close() {
    closing = true;
    for (VPushClient c : clients) c.close();
    handlerThreads.shutdownNow();
  }
}
