package io.vpush.client.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.testing.NeedsKafka;
import io.vpush.testing.NeedsRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Each SDK under chaos (issue 23): 50 clients, 2,000 messages per user over HTTP and Kafka, the Redis engine, a
 * 3-node cluster; during the stream an access node is SIGKILLed, another gets SIGTERM, Redis is paused 3 s and a TCP
 * proxy between clients and nodes cuts random connections ({@link ChaosTimeline}). Every app handler must see each
 * message exactly once, in seq order: the test prints the lost, duplicated and reordered counts and wants 0 of each.
 */
@NeedsRedis
@NeedsKafka
class SdkChaosIT {
  private static final int USERS = 50;
  private static final int PER_USER = 2_000;
  // 100,000 messages in ~40 s: slow enough that the chaos lands mid-stream on 2 shared cores.
  private static final int PER_SECOND = 2_500;

  @Test
  void javaSdkHandlersSeeEveryMessageOnceInOrderThroughChaos() throws Exception {
    run("java", JavaSdkFleet::new);
  }

  @Test
  void jsSdkHandlersSeeEveryMessageOnceInOrderThroughChaos() throws Exception {
    run("js", JsSdkFleet::new);
  }

  private static void run(String sdk, Supplier<SdkFleet> fleets) throws Exception {
    List<String> users = new ArrayList<>();
    for (int i = 0; i < USERS; i++) users.add(sdk + "-u" + i);
    SeqAudit audit = new SeqAudit();
    try (ChaosCluster cluster = new ChaosCluster("sdk-chaos-" + sdk); SdkFleet fleet = fleets.get();
         PublishStream stream = new PublishStream(cluster, users, PER_USER, PER_SECOND, audit)) {
      fleet.connect(cluster.clientUrls(), users, audit);
      ChaosTimeline chaos = new ChaosTimeline(cluster, stream::progress);
      long t0 = System.nanoTime();
      stream.start();
      CompletableFuture<Void> steps = chaos.start();
      stream.await(Duration.ofMinutes(4));
      chaos.streamDone();
      steps.get(3, TimeUnit.MINUTES);
      long streamMs = (System.nanoTime() - t0) / 1_000_000;
      boolean complete = awaitComplete(audit, Duration.ofMinutes(3));
      if (!complete) fleet.dumpState();
      SeqAudit.Counts counts = audit.counts();
      System.out.println(sdk + " SDK chaos: " + counts + "; stream " + streamMs + " ms, all handled "
          + (System.nanoTime() - t0) / 1_000_000 + " ms after its start; " + fleet.summary()
          + "; publishes failed for good: " + stream.failed());
      String context = counts + "\n" + audit.lostByUser() + String.join("\n", chaos.log()) + "\n" + fleet.summary() + "\n" + cluster.logs();
      assertThat(stream.failed()).as(context).isZero();
      assertThat(counts.accepted()).as(context).isEqualTo(stream.total());
      assertThat(counts.lost()).as(context).isZero();
      assertThat(counts.duplicated()).as(context).isZero();
      assertThat(counts.reordered()).as(context).isZero();
      assertThat(counts.gaps()).as(context).isEmpty();
      assertThat(complete).as(context).isTrue();
    }
  }

  // Polls the audit (it fills from many threads and a child process) until every accepted id was handled.
  private static boolean awaitComplete(SeqAudit audit, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (audit.complete(PER_USER)) return true;
      Thread.sleep(100);
    }
    return audit.complete(PER_USER);
  }
}
