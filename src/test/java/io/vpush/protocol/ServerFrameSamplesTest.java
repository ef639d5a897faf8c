package io.vpush.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vpush.store.StoredMessage;
import io.vpush.testing.ServerFrameSamples;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server still writes the frames of {@link ServerFrameSamples} byte for byte: the load generator reads user
 * messages without a JSON parse (its RecFrameTest reads the same samples), so a layout change must show here first.
 */
class ServerFrameSamplesTest {

  @Test
  void userMessagesAreWrittenExactlyAsTheSamples() {
    for (ServerFrameSamples.UserMessage s : ServerFrameSamples.USER_MESSAGES) {
      StoredMessage m = new StoredMessage(s.id(), s.user(), s.seq(), s.ts(), 2, s.payload(), List.of());
      assertThat(ServerFrames.message(m)).isEqualTo(s.frame());
    }
  }

  @Test
  void controlTopicAndPongFramesAreWrittenExactlyAsTheSamples() {
    assertThat(ServerFrames.control("u", "registered", new JsonObject().put("lastSeq", 3)))
        .isEqualTo(ServerFrameSamples.CONTROL_REGISTERED);
    assertThat(ServerFrames.topicMessage("news", "id", 5, "{\"t\":1}")).isEqualTo(ServerFrameSamples.TOPIC_MESSAGE);
    assertThat(ServerFrames.PONG).isEqualTo(ServerFrameSamples.PONG);
  }
}
