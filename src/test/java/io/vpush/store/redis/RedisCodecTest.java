package io.vpush.store.redis;

import io.vertx.core.json.JsonObject;
import io.vpush.store.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class RedisCodecTest {

  /** What inbox.lua matches to find a message's expiry ('^{"ts":%-?%d+,"e":(%-?%d+)'). */
  private static final Pattern LUA_PREFIX = Pattern.compile("^\\{\"ts\":-?\\d+,\"e\":(-?\\d+)");

  private static byte[] member(long seq, String id, String entry) {
    int idLen = id.getBytes(StandardCharsets.UTF_8).length;
    return (seq + ":" + idLen + ":" + id + entry).getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"t\":1,\"s\":\"a}\\\"r\\\":b\"}", "[1,2,{\"r\":3}]", "\"just text with \\\" and }\"",
      "42", "-1.5e3", "true", "null", "{\"emoji\":\"\u00e9\u4e2d\ud83d\ude00\"}"})
  void anEntryGivesBackItsPayloadTextExactly(String payload) {
    String entry = RedisCodec.inboxEntry(1_763_800_000_123L, 1_763_886_400_123L, payload, List.of());
    StoredMessage m = RedisCodec.inboxMember("u1", member(7, "id-1", entry));
    assertThat(m.payload()).isEqualTo(payload);
    assertThat(m).extracting(StoredMessage::id, StoredMessage::user, StoredMessage::seq, StoredMessage::ts, StoredMessage::expiresAt)
        .containsExactly("id-1", "u1", 7L, 1_763_800_000_123L, 1_763_886_400_123L);
    assertThat(m.devices()).isEmpty();
    assertThat(new JsonObject(entry).containsKey("r")).as("the entry is JSON, the payload its value").isTrue();
  }

  @Test
  void devicesWithCharactersToEscapeComeBack() {
    List<String> devices = List.of("ios", "we\"ird]", "back\\slash", "t\u00e9l\u00e9");
    String entry = RedisCodec.inboxEntry(5, 6, "{\"a\":[]}", devices);
    StoredMessage m = RedisCodec.inboxMember("u", member(1, "x", entry));
    assertThat(m.devices()).containsExactlyElementsOf(devices);
    assertThat(m.payload()).isEqualTo("{\"a\":[]}");
  }

  @Test
  void theEntryStartsTheWayInboxLuaReadsTheExpiry() {
    for (long ts : new long[] {0, 1_763_800_000_123L, -5}) {
      Matcher matcher = LUA_PREFIX.matcher(RedisCodec.inboxEntry(ts, ts + 60_000, "{}", List.of("web")));
      assertThat(matcher.find()).isTrue();
      assertThat(Long.parseLong(matcher.group(1))).isEqualTo(ts + 60_000);
    }
  }

  @Test
  void anEntryOfTheOlderLayoutWithThePayloadAsAStringIsStillRead() {
    String older = new JsonObject().put("ts", 10L).put("e", 20L).put("d", new io.vertx.core.json.JsonArray().add("android"))
        .put("p", "{\"k\":\"v \\\" }\"}").encode();
    StoredMessage m = RedisCodec.inboxMember("u9", member(3, "\u00e9t\u00e9", older));
    assertThat(m).extracting(StoredMessage::id, StoredMessage::seq, StoredMessage::ts, StoredMessage::expiresAt, StoredMessage::payload)
        .containsExactly("\u00e9t\u00e9", 3L, 10L, 20L, "{\"k\":\"v \\\" }\"}");
    assertThat(m.devices()).containsExactly("android");
  }

  @Test
  void onlyTheOlderLayoutNeedsTheJsonParser() {
    byte[] current = member(1, "a", RedisCodec.inboxEntry(1, 2, "{\"x\":[\"]\"]}", List.of("a]b")));
    assertThat(EntryReader.read("a", "u", 1, current, "1:1:a".length())).as("read by position").isNotNull();
    byte[] older = member(1, "a", "{\"ts\":1,\"e\":2,\"d\":[],\"p\":\"{}\"}");
    assertThat(EntryReader.read("a", "u", 1, older, "1:1:a".length())).isNull();
  }

  @Test
  void aNegativeTimestampIsReadBack() {
    StoredMessage m = RedisCodec.inboxMember("u", member(2, "i", RedisCodec.inboxEntry(-3, -2, "1", List.of())));
    assertThat(m.ts()).isEqualTo(-3);
    assertThat(m.expiresAt()).isEqualTo(-2);
  }
}
