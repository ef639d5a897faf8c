package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.config.Settings;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vpush.sync} over a real socket (protocol.md section 6): limit, more, gap, device filtering. */
class SyncIT {

  private static final int CAP = 5;
  private static final int OUTBOUND_MAX_BYTES = 64 * 1024;
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(Settings.INBOX_CAP, CAP, Settings.ACK_TIMEOUT_MS, 600_000,
        Settings.OUTBOUND_MAX_BYTES, OUTBOUND_MAX_BYTES));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void syncPagesWithLimitAndMore() {
    String user = TestNode.freshUser("sync");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      for (int i = 1; i <= 4; i++) node.publishTo(user, new JsonObject().put("n", i));
      c.messages(4, WAIT);
      JsonObject first = c.sync(0, 3);
      assertThat(seqs(first)).containsExactly(1L, 2L, 3L);
      assertThat(first.getBoolean("more")).isTrue();
      assertThat(first.getLong("lastSeq")).isEqualTo(4L);
      assertThat(first.containsKey("gap")).isFalse();
      JsonObject entry = first.getJsonArray("messages").getJsonObject(0);
      assertThat(entry.getValue("seq")).isInstanceOf(Number.class);
      assertThat(entry.getValue("ts")).isInstanceOf(Number.class);
      assertThat(entry.getString("id")).isNotBlank();
      assertThat(entry.getJsonObject("body")).isEqualTo(new JsonObject().put("n", 1));

      JsonObject rest = c.sync(3, 3);
      assertThat(seqs(rest)).containsExactly(4L);
      assertThat(rest.getBoolean("more")).isFalse();
      // Without a limit: the default.
      assertThat(seqs(c.sync(0, null))).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  @Test
  void aSyncOfLargeMessagesIsCutToFitTheOutboundBoundAndSaysMore() {
    String user = TestNode.freshUser("syncbig");
    // Five of 15 KiB make a 75 KiB reply, past this node's 64 KiB outbound bound: sent whole, it would close the
    // client as a slow consumer. A reply takes at most half the bound (at least one message) and says more.
    String big = "s".repeat(15 * 1024);
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      for (int i = 1; i <= CAP; i++) node.publishTo(user, new JsonObject().put("n", i).put("fill", big));
      c.messages(CAP, WAIT);
      List<Long> all = new java.util.ArrayList<>();
      long since = 0;
      JsonObject reply;
      do {
        reply = c.sync(since, 100);
        List<Long> page = seqs(reply);
        assertThat(page).isNotEmpty();
        assertThat(reply.encode().length()).isLessThanOrEqualTo(OUTBOUND_MAX_BYTES / 2);
        all.addAll(page);
        since = page.get(page.size() - 1);
      } while (reply.getBoolean("more"));
      assertThat(all).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(c.isClosed()).isFalse();
    }
  }

  @Test
  void syncAfterTrimmedMessagesReportsAGap() {
    String user = TestNode.freshUser("gap");
    for (int i = 1; i <= CAP + 3; i++) node.publishTo(user, "m" + i);
    try (WsTestClient c = node.connectAs(user, Map.of("lastSeq", String.valueOf(CAP + 3)))) {
      JsonObject reply = c.sync(0, 100);
      assertThat(reply.getBoolean("gap")).isTrue();
      assertThat(seqs(reply)).containsExactly(4L, 5L, 6L, 7L, 8L);
      assertThat(reply.getBoolean("more")).isFalse();
      // After the dropped ones there is no gap.
      JsonObject later = c.sync(3, 100);
      assertThat(later.containsKey("gap")).isFalse();
      assertThat(seqs(later)).containsExactly(4L, 5L, 6L, 7L, 8L);
    }
  }

  @Test
  void syncLeavesOutMessagesForOtherDevices() {
    String user = TestNode.freshUser("syncdev");
    node.publishTo(user, "all");
    assertThat(node.publish(new JsonObject().put("user", user).put("payload", "mobile-only")
        .put("devices", new JsonArray().add("mobile"))).status()).isEqualTo(202);
    node.publishTo(user, "all-again");
    try (WsTestClient pc = node.connectAs(user, Map.of("device", "pc", "lastSeq", "3"));
         WsTestClient mobile = node.connectAs(user, Map.of("device", "mobile", "lastSeq", "3"))) {
      assertThat(pc.sync(0, 10).getJsonArray("messages")).extracting(o -> ((JsonObject) o).getValue("body"))
          .containsExactly("all", "all-again");
      assertThat(seqs(mobile.sync(0, 10))).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void syncBeforeRegisterIsNotRegisteredAndBadSyncIsBadFrame() {
    try (WsTestClient c = node.connect()) {
      JsonObject err = c.request("vpush.sync", new JsonObject().put("since", 0));
      assertThat(WsTestClient.isError(err, "not_registered")).as("%s", err).isTrue();
      assertThat(err.getInteger("failureCode")).isEqualTo(409);
    }
    String user = TestNode.freshUser("badsync");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      JsonObject err = c.request("vpush.sync", new JsonObject().put("since", -1));
      assertThat(WsTestClient.isError(err, "bad_frame")).as("%s", err).isTrue();
    }
  }

  private static List<Long> seqs(JsonObject reply) {
    return reply.getJsonArray("messages").stream().map(o -> ((JsonObject) o).getLong("seq")).toList();
  }
}
