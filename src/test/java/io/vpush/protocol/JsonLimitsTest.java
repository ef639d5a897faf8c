package io.vpush.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLimitsTest {

  private static String nested(int depth) {
    return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }

  @Test
  void jsonDeeperThanTheBoundIsRefusedWhenParsedAndWhatIsAcceptedCanBeWrappedAndWritten() {
    JsonLimits.install();
    JsonObject deepest = new JsonObject(nested(JsonLimits.MAX_DEPTH));
    assertThatThrownBy(() -> new JsonObject(nested(JsonLimits.MAX_DEPTH + 1))).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> FrameCodec.parse("{\"type\":\"send\",\"address\":\"vpush.upstream\",\"body\":" + nested(JsonLimits.MAX_DEPTH) + "}"))
        .isInstanceOf(FrameException.class);
    // A stored payload as deep as accepted still fits inside a sync reply (messages -> [ -> { -> body).
    String reply = new JsonObject().put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("body", deepest))).encode();
    assertThat(reply).startsWith("{\"messages\":[{\"body\":{\"a\":");
  }
}
