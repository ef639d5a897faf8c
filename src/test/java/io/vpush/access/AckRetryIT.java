package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Re-sends of unacked messages on a live connection (protocol.md section 6), with a fast schedule: waits of 100, 200,
 * 200, 200, 200 ms, then given up. "No more" is bounded by a marker message published later whose own re-sends
 * follow the same schedule on the same connection, so it cannot reach its Nth copy before an earlier message's Nth.
 */
class AckRetryIT {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(Settings.ACK_TIMEOUT_MS, 100, Settings.ACK_MAX_BACKOFF_MS, 200, Settings.ACK_MAX_RETRIES, 5));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void unackedMessageIsSentSixTimesInAllThenLeftInTheInbox() {
    String user = TestNode.freshUser("noack");
    double givenUpBefore = node.metric("vpush_messages_given_up_total", "");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      long m = node.publishTo(user, "never-acked");
      List<JsonObject> stream = new ArrayList<>(c.framesUntil(nth(m, 6), WAIT));
      for (JsonObject f : stream) {
        assertThat(WsTestClient.seq(f)).isEqualTo(m);
        assertThat(f.getValue("body")).isEqualTo("never-acked");
      }
      // A marker published after the 6th copy reaches its own 6th copy only after m's would-be 7th was due.
      long marker = node.publishTo(user, "marker");
      stream.addAll(c.framesUntil(nth(marker, 6), WAIT));
      assertThat(stream.stream().filter(f -> WsTestClient.seq(f) == m)).hasSize(6);
      assertThat(stream.stream().filter(f -> WsTestClient.seq(f) == marker)).hasSize(6);
      assertThat(node.metric("vpush_messages_given_up_total", "")).isGreaterThanOrEqualTo(givenUpBefore + 1);
      // Given up on this connection, still in the inbox for a sync.
      JsonObject sync = c.sync(0, 10);
      assertThat(sync.getJsonArray("messages")).hasSize(2);
    }
  }

  @Test
  void ackStopsFurtherResends() {
    String user = TestNode.freshUser("ackmid");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      long m = node.publishTo(user, "acked-after-one-resend");
      c.framesUntil(nth(m, 2), WAIT);
      String reply = "ack-reply";
      c.send(new JsonObject().put("type", "send").put("address", "vpush.ack").put("body", new JsonObject().put("seq", m))
          .put("replyAddress", reply));
      c.awaitFrame(f -> reply.equals(f.getString("address")), WAIT);
      // m's next re-send was due 200 ms after its 2nd copy; the marker's 3rd copy comes 300 ms after its first.
      long marker = node.publishTo(user, "marker");
      List<JsonObject> after = c.framesUntil(nth(marker, 3), WAIT);
      assertThat(after).extracting(WsTestClient::seq).containsOnly(marker);
    }
  }

  @Test
  void cumulativeAckCoversEveryEarlierSeq() {
    String user = TestNode.freshUser("cumul");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      for (int i = 0; i < 3; i++) node.publishTo(user, "m" + i);
      c.framesUntil(f -> WsTestClient.seq(f) == 3, WAIT);
      String reply = "ack-reply";
      c.send(new JsonObject().put("type", "send").put("address", "vpush.ack").put("body", new JsonObject().put("seq", 3))
          .put("replyAddress", reply));
      c.awaitFrame(f -> reply.equals(f.getString("address")), WAIT);
      long marker = node.publishTo(user, "marker");
      List<JsonObject> after = c.framesUntil(nth(marker, 3), WAIT);
      assertThat(after).extracting(WsTestClient::seq).containsOnly(marker);
    }
  }

  @Test
  void reSendsIntoABackedUpSocketWaitForItInsteadOfClosingTheClient() {
    String user = TestNode.freshUser("stalledack");
    // A catch-up of 600 x 12 KiB fills the kernel's buffers and the catch-up's half of the 1 MiB outbound bound; the
    // hundreds it sent fall due for re-sending 100 ms later. Written at once they would pass the bound with a full
    // socket, and the client would be closed as a slow consumer.
    int n = 600;
    double slowBefore = node.metric("vpush_disconnects_total", "reason=\"slow_consumer\"");
    try (WsTestClient c = node.stalledInCatchUp(user, n)) {
      // Re-sends are due while the socket stays full: a client that never acks sees its own re-sends come, which
      // shows the wheels have run past the stalled messages' deadlines (they were sent before its message).
      String observer = TestNode.freshUser("observer");
      try (WsTestClient o = node.connectAs(observer, Map.of())) {
        long m = node.publishTo(observer, "tick");
        o.framesUntil(nth(m, 3), WAIT);
      }
      c.resume();
      Set<Long> missing = new HashSet<>(LongStream.rangeClosed(1, n).boxed().toList());
      c.framesUntil(f -> missing.remove(WsTestClient.seq(f)) && missing.isEmpty(), Duration.ofSeconds(30));
      assertThat(c.isClosed()).isFalse();
      assertThat(node.metric("vpush_disconnects_total", "reason=\"slow_consumer\"")).isEqualTo(slowBefore);
    }
  }

  /** A fresh predicate that is true on the {@code n}th frame carrying {@code seq}. */
  private static Predicate<JsonObject> nth(long seq, int n) {
    int[] seen = {0};
    return f -> WsTestClient.seq(f) == seq && ++seen[0] == n;
  }
}
