package io.vpush.store.redis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedisCodecTest {

  private static StoredMessage roundTrip(boolean freshId, String payload, List<String> devices) {
    String entry = RedisCodec.inboxEntry(1_700_000_000_123L, 1_700_086_400_123L, freshId, payload, devices);
    byte[] member = ("42:3:a:b" + entry).getBytes(StandardCharsets.UTF_8);
    return RedisCodec.inboxMember("u1", member);
  }

  @Test
  void anEntryKeepsItsPayloadRawAndReadsBackWhole() {
    String payload = "{\"text\":\"say \\\"hi\\\"\",\"n\":[1,2]}";
    String entry = RedisCodec.inboxEntry(1L, 2L, false, payload, List.of());
    assertThat(entry).isEqualTo("{\"ts\":1,\"e\":2,\"d\":[],\"r\":" + payload + "}");
    assertThat(new JsonObject(entry).getJsonObject("r")).isEqualTo(new JsonObject(payload));

    StoredMessage m = roundTrip(false, payload, List.of());
    assertThat(m.id()).isEqualTo("a:b");
    assertThat(m.user()).isEqualTo("u1");
    assertThat(m.seq()).isEqualTo(42);
    assertThat(m.ts()).isEqualTo(1_700_000_000_123L);
    assertThat(m.expiresAt()).isEqualTo(1_700_086_400_123L);
    assertThat(m.payload()).isEqualTo(payload);
    assertThat(m.devices()).isEmpty();
  }

  @Test
  void theFreshMarkComesRightAfterTheExpiryWhereInboxLuaLooksForIt() {
    assertThat(RedisCodec.inboxEntry(1L, 2L, true, "0", List.of())).startsWith("{\"ts\":1,\"e\":2,\"f\":1,");
    assertThat(roundTrip(true, "0", List.of()).payload()).isEqualTo("0");
  }

  @Test
  void devicesAndPayloadsThatLookLikeTheMarkDoNotConfuseTheReader() {
    List<String> devices = List.of("web", "x],\"r\":1", "q\"uote");
    String payload = "[\"],\\\"r\\\":\",{\"r\":[]}],\"r\":2";
    // Not valid JSON as a whole, yet the reader must still take everything after the first mark.
    StoredMessage m = roundTrip(true, payload, devices);
    assertThat(m.devices()).containsExactlyElementsOf(devices);
    assertThat(m.payload()).isEqualTo(payload);

    StoredMessage s = roundTrip(false, "\"just a string\"", List.of("ios"));
    assertThat(s.payload()).isEqualTo("\"just a string\"");
    assertThat(s.devices()).containsExactly("ios");
  }

  @Test
  void unicodeInIdAndPayloadSurvives() {
    String entry = RedisCodec.inboxEntry(5L, 6L, false, "\"héllo ✓\"", List.of());
    // The id's length is in bytes: ï takes two.
    byte[] member = ("7:3:ïd" + entry).getBytes(StandardCharsets.UTF_8);
    StoredMessage m = RedisCodec.inboxMember("u", member);
    assertThat(m.id()).isEqualTo("ïd");
    assertThat(m.payload()).isEqualTo("\"héllo ✓\"");
  }

  @Test
  void anEntryOfAnOlderNodeWithThePayloadAsAStringIsRead() {
    // The layout nodes built before 2026-11-22 21:00 wrote: the payload as a JSON string under "p".
    String legacy = new JsonObject().put("ts", 10L).put("e", 20L).put("f", 1)
        .put("d", new JsonArray().add("android")).put("p", "{\"a\":\"],\\\"r\\\":\"}").encode();
    StoredMessage m = RedisCodec.entry("id", "u", 3, legacy);
    assertThat(m.ts()).isEqualTo(10);
    assertThat(m.expiresAt()).isEqualTo(20);
    assertThat(m.devices()).containsExactly("android");
    assertThat(m.payload()).isEqualTo("{\"a\":\"],\\\"r\\\":\"}");
  }
}
