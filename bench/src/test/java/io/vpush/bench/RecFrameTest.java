package io.vpush.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.testing.ServerFrameSamples;
import org.junit.jupiter.api.Test;

/**
 * The fast reader against the frames exactly as the server writes them ({@link ServerFrameSamples}; the server's
 * ServerFrameSamplesTest checks that its encoder still writes those strings).
 */
class RecFrameTest {

  @Test
  void readsSeqAndDueTimeOfTheServersMessageFrame() {
    assertThat(RecFrame.parse(ServerFrameSamples.WITH_DUE_TIME.frame()))
        .isEqualTo(new RecFrame.Rec(42, 1_763_000_000_123_456L));
  }

  @Test
  void aPayloadWithoutDueTimeStillGivesTheSeq() {
    assertThat(RecFrame.parse(ServerFrameSamples.WITHOUT_DUE_TIME.frame())).isEqualTo(new RecFrame.Rec(3, -1));
  }

  @Test
  void leavesEverythingElseToTheJsonParse() {
    assertThat(RecFrame.parse(ServerFrameSamples.CONTROL_REGISTERED)).isNull();
    assertThat(RecFrame.parse(ServerFrameSamples.TOPIC_MESSAGE)).isNull();
    assertThat(RecFrame.parse("{\"type\":\"err\",\"failureCode\":400}")).isNull();
    assertThat(RecFrame.parse(ServerFrameSamples.PONG)).isNull();
  }
}
