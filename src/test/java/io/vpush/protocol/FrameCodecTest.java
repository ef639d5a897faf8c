package io.vpush.protocol;

import io.vertx.core.json.JsonObject;
import io.vpush.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTest {

  @Test
  void parsesTheStockClientsFrames() throws FrameException {
    ClientFrame f = FrameCodec.parse("{\"type\":\"register\",\"address\":\"vpush.user.u1\",\"headers\":{\"token\":\"t\",\"lastSeq\":\"7\"}}");
    assertThat(f.type()).isEqualTo("register");
    assertThat(f.address()).isEqualTo("vpush.user.u1");
    assertThat(f.header("lastSeq")).isEqualTo("7");
    ClientFrame s = FrameCodec.parse("{\"type\":\"send\",\"address\":\"vpush.sync\",\"body\":{\"since\":3},\"replyAddress\":\"r1\"}");
    assertThat(s.bodyObject().getLong("since")).isEqualTo(3);
    assertThat(s.replyAddress()).isEqualTo("r1");
    assertThat(FrameCodec.parse("{\"type\":\"ping\"}").type()).isEqualTo("ping");
  }

  @Test
  void numericHeadersAreTakenAsText() throws FrameException {
    assertThat(FrameCodec.parse("{\"type\":\"register\",\"address\":\"a\",\"headers\":{\"lastSeq\":7}}").header("lastSeq")).isEqualTo("7");
  }

  @Test
  void malformedFramesAreBadFrames() {
    for (String bad : List.of("not json", "[1,2]", "{}", "{\"type\":\"hello\"}", "{\"type\":\"send\"}", "{\"type\":\"send\",\"address\":5}",
        "{\"type\":\"register\",\"address\":\"a\",\"headers\":[]}", "{\"type\":\"register\",\"address\":\"a\",\"headers\":{\"x\":{}}}",
        "{\"type\":\"send\",\"address\":\"a\",\"replyAddress\":1}")) {
      assertThatThrownBy(() -> FrameCodec.parse(bad), bad)
          .isInstanceOf(FrameException.class)
          .satisfies(e -> assertThat(((FrameException) e).code()).isEqualTo(ErrorCode.BAD_FRAME));
    }
  }

  @Test
  void messageFrameCarriesStringHeadersAndThePayloadAsIs() {
    StoredMessage m = new StoredMessage("id\"1", "u1", 42, 1700, 9999, "{\"text\":\"hi\"}", List.of());
    JsonObject f = new JsonObject(ServerFrames.message(m));
    assertThat(f.getString("type")).isEqualTo("rec");
    assertThat(f.getString("address")).isEqualTo("vpush.user.u1");
    assertThat(f.getJsonObject("body").getString("text")).isEqualTo("hi");
    assertThat(f.getJsonObject("headers").getMap()).containsEntry("id", "id\"1").containsEntry("seq", "42").containsEntry("ts", "1700");
  }

  @Test
  void idsAndUsersThatNeedEscapingSurviveTheRoundTrip() {
    for (String odd : List.of("plain-id", "q\"uote", "back\\slash", "tab\tnl\n", "ctl\u0001", "ünï€😀", "")) {
      StoredMessage m = new StoredMessage(odd, "user" + odd, 1, 2, 3, "{}", List.of());
      JsonObject f = new JsonObject(ServerFrames.message(m));
      assertThat(f.getJsonObject("headers").getString("id")).isEqualTo(odd);
      assertThat(f.getString("address")).isEqualTo("vpush.user.user" + odd);
    }
  }

  @Test
  void errorFrameHasCodeTypeAndBodyLikeTheBridge() {
    JsonObject e = new JsonObject(ServerFrames.error("r9", ErrorCode.NOT_REGISTERED, "register first"));
    assertThat(e.getString("type")).isEqualTo("err");
    assertThat(e.getString("address")).isEqualTo("r9");
    assertThat(e.getInteger("failureCode")).isEqualTo(409);
    assertThat(e.getString("failureType")).isEqualTo("not_registered");
    assertThat(e.getString("body")).isEqualTo("not_registered");
    assertThat(e.getString("message")).isEqualTo("register first");
  }

  @Test
  void controlFrameOnTheUserStream() {
    JsonObject c = new JsonObject(ServerFrames.control("u1", "registered", new JsonObject().put("lastSeq", 3)));
    assertThat(c.getString("address")).isEqualTo("vpush.user.u1");
    assertThat(c.getJsonObject("headers").getString("control")).isEqualTo("registered");
    assertThat(c.getJsonObject("body").getLong("lastSeq")).isEqualTo(3);
  }
}
