package io.vpush.purge.tcp;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BridgeFrameTest {

  private static BridgeFrame read(String json) {
    return BridgeFrame.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"n\":1}", "[1, {\"a\": [true, null]}]", "\"text with \\\" and \\u00e9 and } ]\"", "12", "-3.5e2",
      "true", "false", "null", "{\"nested\":{\"deep\":[{\"x\":\"\u4e2d\ud83d\ude00\"}]}}"})
  void thePayloadIsTheTextItArrivedIn(String payload) {
    BridgeFrame f = read("{\"type\":\"send\",\"address\":\"vpush.publish\",\"replyAddress\":\"r1\","
        + "\"headers\":{\"other\":[1],\"apiKey\":\"k\"},\"body\":{\"user\":\"u1\",\"payload\":" + payload + ",\"ttlSeconds\":60}}");
    assertThat(f.payloadJson()).isEqualTo(payload);
    assertThat(f).extracting(BridgeFrame::type, BridgeFrame::address, BridgeFrame::replyAddress, BridgeFrame::apiKey)
        .containsExactly("send", "vpush.publish", "r1", "k");
    assertThat(f.body()).isEqualTo(new JsonObject().put("user", "u1").put("ttlSeconds", 60));
  }

  @Test
  void theBodyHasTheValuesATreeParserWouldGive() {
    String body = "{\"users\":[\"a\",\"b\"],\"id\":\"m-1\",\"ttlSeconds\":60.0,\"deliverAt\":1763800000000,\"devices\":[\"ios\"],"
        + "\"big\":123456789012345678901234567890,\"flag\":false,\"none\":null,\"obj\":{\"k\":[1,2.5]}}";
    String withPayload = body.substring(0, body.length() - 1) + ",\"payload\":{\"p\":1}}";
    BridgeFrame f = read("{\"type\":\"send\",\"body\":" + withPayload + "}");
    assertThat(f.body()).isEqualTo(new JsonObject(body));
    assertThat(f.body().getValue("users")).isInstanceOf(JsonArray.class);
    assertThat(f.payloadJson()).isEqualTo("{\"p\":1}");
  }

  @Test
  void fieldsOfTheWrongTypeReadAsAbsent() {
    BridgeFrame f = read("{\"type\":5,\"address\":{\"a\":1},\"replyAddress\":[\"r\"],\"headers\":\"k\",\"body\":[1]}");
    assertThat(f).extracting(BridgeFrame::type, BridgeFrame::address, BridgeFrame::replyAddress, BridgeFrame::apiKey,
        BridgeFrame::body, BridgeFrame::payloadJson).containsOnlyNulls();
    assertThat(read("{\"type\":\"ping\"}").body()).isNull();
    assertThat(read("{\"body\":{\"user\":\"u\"}}").payloadJson()).as("no payload").isNull();
    assertThat(read("{\"headers\":{\"apiKey\":7}}").apiKey()).as("a key of another type is kept for the check to refuse").isEqualTo(7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[1]", "\"s\"", "{\"type\":\"send\"", "{\"type\":\"send\",\"body\":{\"payload\":{\"a\":}}}",
      "{\"type\":\"send\"} {}", "{\"body\":{\"payload\":[1,2}}", "{\"type\":\"send\",\"body\":{\"user\":\"u\",\"payload\":tru}}"})
  void anythingButOneWellFormedObjectIsRefused(String text) {
    assertThatThrownBy(() -> read(text)).isInstanceOf(DecodeException.class);
  }
}
