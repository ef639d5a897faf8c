package io.vpush.bench;

import io.vertx.core.json.JsonObject;
import io.vpush.protocol.ServerFrames;
import io.vpush.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecFrameTest {

  @Test
  void readsSeqAndDueTimeOfTheServersMessageFrame() {
    String payload = new JsonObject().put("t", 1_763_000_000_123_456L).put("i", 7).put("pad", "x\"seq\":\"9\"").encode();
    String frame = ServerFrames.message(new StoredMessage("id-1", "bench-u1", 42, 1, 2, payload, List.of()));
    assertThat(RecFrame.parse(frame)).isEqualTo(new RecFrame.Rec(42, 1_763_000_000_123_456L));
  }

  @Test
  void aPayloadWithoutDueTimeStillGivesTheSeq() {
    String frame = ServerFrames.message(new StoredMessage("id-2", "u", 3, 1, 2, "{\"other\":1}", List.of()));
    assertThat(RecFrame.parse(frame)).isEqualTo(new RecFrame.Rec(3, -1));
  }

  @Test
  void leavesEverythingElseToTheJsonParse() {
    assertThat(RecFrame.parse(ServerFrames.control("u", "registered", new JsonObject().put("lastSeq", 3)))).isNull();
    assertThat(RecFrame.parse(ServerFrames.topicMessage("news", "id", 5, "{\"t\":1}"))).isNull();
    assertThat(RecFrame.parse("{\"type\":\"err\",\"failureCode\":400}")).isNull();
    assertThat(RecFrame.parse(ServerFrames.PONG)).isNull();
  }
}
