package io.vpush.purge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.store.NewMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublishRequestTest {

  private static PublishRequest parse(JsonObject body) {
    return PublishRequest.parse(body, null, 604_800, 3);
  }

  @Test
  void singleUserWithDefaults() {
    PublishRequest r = parse(new JsonObject().put("user", "u1").put("payload", new JsonObject().put("a", 1)));
    assertThat(r.single()).isTrue();
    assertThat(r.users()).containsExactly("u1");
    assertThat(r.id()).isNotBlank();
    List<NewMessage> m = r.messages(1000);
    assertThat(m).hasSize(1);
    assertThat(m.get(0).payload()).isEqualTo("{\"a\":1}");
    assertThat(m.get(0).ttlSeconds()).isEqualTo(604_800);
    assertThat(m.get(0).ts()).isEqualTo(1000);
  }

  @Test
  void anyJsonValueIsAPayloadIncludingNull() {
    assertThat(parse(new JsonObject().put("user", "u").put("payload", "text")).payload()).isEqualTo("\"text\"");
    assertThat(parse(new JsonObject().put("user", "u").put("payload", 5)).payload()).isEqualTo("5");
    assertThat(parse(new JsonObject().put("user", "u").putNull("payload")).payload()).isEqualTo("null");
  }

  @Test
  void usersAreDeduplicatedAndShareTheId() {
    PublishRequest r = parse(new JsonObject().put("users", new JsonArray().add("a").add("b").add("a")).put("payload", 1).put("id", "m1"));
    assertThat(r.single()).isFalse();
    assertThat(r.messages(0)).extracting(NewMessage::user).containsExactly("a", "b");
    assertThat(r.messages(0)).extracting(NewMessage::id).containsOnly("m1");
  }

  @Test
  void generatedIdIsUsedWhenTheBodyHasNone() {
    assertThat(PublishRequest.parse(new JsonObject().put("user", "u").put("payload", 1), "t-0-42", 10, 3).id()).isEqualTo("t-0-42");
    assertThat(PublishRequest.parse(new JsonObject().put("user", "u").put("payload", 1).put("id", "x"), "t-0-42", 10, 3).id()).isEqualTo("x");
  }

  @Test
  void onlyARandomIdOfAnImmediatePublishIsFresh() {
    JsonObject noId = new JsonObject().put("users", new JsonArray().add("a").add("b")).put("payload", 1);
    assertThat(parse(noId).messages(0)).extracting(NewMessage::freshId).containsExactly(true, true);
    assertThat(parse(noId.copy().put("id", "m1")).messages(0)).extracting(NewMessage::freshId).containsOnly(false);
    assertThat(PublishRequest.parse(noId, "t-0-42", 10, 3).messages(0)).extracting(NewMessage::freshId).containsOnly(false);
    PublishRequest scheduled = parse(noId.copy().put("deliverAt", 5000));
    assertThat(scheduled.messages(4999)).as("the delay role may release it twice").extracting(NewMessage::freshId).containsOnly(false);
    assertThat(scheduled.messages(5000)).as("due now: accepted at once").extracting(NewMessage::freshId).containsOnly(true);
  }

  @Test
  void scheduledOnlyWhenDueInTheFuture() {
    PublishRequest r = parse(new JsonObject().put("user", "u").put("payload", 1).put("deliverAt", 5000));
    assertThat(r.scheduled(4999)).isTrue();
    assertThat(r.scheduled(5000)).isFalse();
  }

  @Test
  void errorsNameTheField() {
    expectField(new JsonObject().put("payload", 1), "user");
    expectField(new JsonObject().put("user", "u").put("users", new JsonArray().add("v")).put("payload", 1), "user");
    expectField(new JsonObject().put("user", "u"), "payload");
    expectField(new JsonObject().put("user", "").put("payload", 1), "user");
    expectField(new JsonObject().put("user", "a b").put("payload", 1), "user");
    expectField(new JsonObject().put("user", 7).put("payload", 1), "user");
    expectField(new JsonObject().put("users", new JsonArray()).put("payload", 1), "users");
    expectField(new JsonObject().put("users", new JsonArray().add("a").add("b").add("c").add("d")).put("payload", 1), "users");
    expectField(new JsonObject().put("user", "u").put("payload", 1).put("ttlSeconds", 0), "ttlSeconds");
    expectField(new JsonObject().put("user", "u").put("payload", 1).put("ttlSeconds", 1.5), "ttlSeconds");
    expectField(new JsonObject().put("user", "u").put("payload", 1).put("deliverAt", "soon"), "deliverAt");
    expectField(new JsonObject().put("user", "u").put("payload", 1).put("devices", "pos"), "devices");
    expectField(new JsonObject().put("user", "u").put("payload", 1).put("id", "x".repeat(300)), "id");
    expectField(new JsonObject().put("topic", "t").put("payload", 1).put("deliverAt", Long.MAX_VALUE), "deliverAt");
    assertThatThrownBy(() -> parse(null)).isInstanceOf(PublishException.class);
  }

  private static void expectField(JsonObject body, String field) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(PublishException.class)
        .satisfies(e -> assertThat(((PublishException) e).field()).isEqualTo(field))
        .hasMessageContaining(field);
  }

  @Test
  void generatedIdsAreDistinctVersion4Uuids() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = PublishRequest.randomId();
      java.util.UUID u = java.util.UUID.fromString(id);
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(seen.add(id)).as("unique").isTrue();
    }
  }
}
