package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.testing.TestNode;
import io.vpush.testing.TestNode.Response;
import io.vpush.testing.WsTestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP and event-bus publish doors (protocol.md section 9), with a connected client where delivery matters. */
class PublishApiIT {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void publishAnswers202WithIdAndSeqAndTheClientGetsIt() {
    String user = TestNode.freshUser("pub");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      Response r = node.publish(new JsonObject().put("user", user).put("payload", new JsonObject().put("hello", "world")));
      assertThat(r.status()).isEqualTo(202);
      JsonObject answer = r.json();
      assertThat(answer.getString("id")).isNotBlank();
      assertThat(answer.getValue("seq")).isEqualTo(1);
      JsonObject msg = c.next(WAIT);
      assertThat(WsTestClient.seq(msg)).isEqualTo(1L);
      assertThat(WsTestClient.id(msg)).isEqualTo(answer.getString("id"));
      assertThat(msg.getJsonObject("body")).isEqualTo(new JsonObject().put("hello", "world"));
    }
  }

  @Test
  void usersPublishAnswersResultsPerUser() {
    String u1 = TestNode.freshUser("multi");
    String u2 = TestNode.freshUser("multi");
    node.publishTo(u2, "earlier");
    Response r = node.publish(new JsonObject().put("users", new JsonArray().add(u1).add(u2)).put("payload", "both").put("id", "shared-id"));
    assertThat(r.status()).isEqualTo(202);
    JsonArray results = r.json().getJsonArray("results");
    assertThat(results).hasSize(2);
    assertThat(results.getJsonObject(0)).isEqualTo(new JsonObject().put("id", "shared-id").put("seq", 1).put("user", u1));
    assertThat(results.getJsonObject(1)).isEqualTo(new JsonObject().put("id", "shared-id").put("seq", 2).put("user", u2));
  }

  @Test
  void publishesInFlightTogetherEachGetTheirOwnAnswer() {
    // Requests that one event-loop turn handles are published together: answers must not mix across them.
    String a = TestNode.freshUser("mix");
    String b = TestNode.freshUser("mix");
    List<Future<Response>> inFlight = new ArrayList<>();
    List<String> expectedIds = new ArrayList<>(); // null: a bad request
    for (int i = 0; i < 40; i++) {
      JsonObject one = new JsonObject().put("user", i % 2 == 0 ? a : b).put("payload", i).put("id", "mix-" + i);
      inFlight.add(node.publishAsync(one));
      expectedIds.add("mix-" + i);
      if (i % 10 == 0) {
        inFlight.add(node.publishAsync(new JsonObject().put("user", a))); // no payload
        expectedIds.add(null);
      }
      if (i % 10 == 5) {
        JsonObject both = new JsonObject().put("users", new JsonArray().add(a).add(b)).put("payload", i)
            .put("id", "both-" + i);
        inFlight.add(node.publishAsync(both));
        expectedIds.add("both-" + i);
      }
    }
    WsTestClient.await(Future.all(inFlight));

    Map<String, List<Long>> seqs = Map.of(a, new ArrayList<>(), b, new ArrayList<>());
    for (int i = 0; i < inFlight.size(); i++) {
      Response r = inFlight.get(i).result();
      String id = expectedIds.get(i);
      if (id == null) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("message")).contains("payload");
      } else if (id.startsWith("both-")) {
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonArray results = r.json().getJsonArray("results");
        assertThat(results).hasSize(2);
        for (int k = 0; k < 2; k++) {
          assertThat(results.getJsonObject(k).getString("id")).isEqualTo(id);
          assertThat(results.getJsonObject(k).getString("user")).isEqualTo(k == 0 ? a : b);
          seqs.get(k == 0 ? a : b).add(results.getJsonObject(k).getLong("seq"));
        }
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().getString("id")).isEqualTo(id);
        int n = Integer.parseInt(id.substring("mix-".length()));
        seqs.get(n % 2 == 0 ? a : b).add(r.json().getLong("seq"));
      }
    }
    // Each user's 20 own messages and 4 shared ones: every seq from 1 to 24 exactly once.
    for (String user : List.of(a, b)) {
      assertThat(seqs.get(user)).as(user).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 24).boxed().toList());
      assertThat(node.get("/api/v1/users/" + user).json().getLong("lastSeq")).isEqualTo(24L);
    }
  }

  @Test
  void republishWithTheSameIdKeepsItsSeqAndIsDeliveredOnce() {
    String user = TestNode.freshUser("idem");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      JsonObject body = new JsonObject().put("user", user).put("payload", "once").put("id", "order-42");
      Response first = node.publish(body);
      node.publishTo(user, "between");
      Response again = node.publish(body);
      assertThat(first.json().getLong("seq")).isEqualTo(1L);
      assertThat(again.status()).isEqualTo(202);
      assertThat(again.json().getLong("seq")).isEqualTo(1L);
      assertThat(again.json().getString("id")).isEqualTo("order-42");
      long marker = node.publishTo(user, "marker");
      assertThat(marker).isEqualTo(3L);
      List<JsonObject> got = c.framesUntil(f -> WsTestClient.seq(f) == marker, WAIT);
      assertThat(got).extracting(WsTestClient::seq).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void badInputIs400WithAReasonNamingTheField() {
    String user = TestNode.freshUser("bad");
    assertBad(new JsonObject().put("user", user), "payload");
    assertBad(new JsonObject().put("user", 42).put("payload", 1), "user");
    assertBad(new JsonObject().put("user", "has space").put("payload", 1), "user");
    assertBad(new JsonObject().put("user", "").put("payload", 1), "user");
    assertBad(new JsonObject().put("user", user).put("payload", 1).put("ttlSeconds", "soon"), "ttlSeconds");
    assertBad(new JsonObject().put("user", user).put("payload", 1).put("ttlSeconds", -5), "ttlSeconds");
    assertBad(new JsonObject().put("user", user).put("users", new JsonArray().add("x")).put("payload", 1), "users");
    assertBad(new JsonObject().put("payload", 1), "user");
    assertBad(new JsonObject().put("users", new JsonArray()).put("payload", 1), "users");
    Response notJson = WsTestClient.await(node.request(HttpMethod.POST, "/api/v1/messages", Buffer.buffer("{nope"), TestNode.API_KEY));
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().getString("error")).isNotBlank();
    // Nothing was accepted for the user.
    assertThat(node.get("/api/v1/users/" + user).json().getLong("lastSeq")).isZero();
  }

  @Test
  void withoutOrWithAWrongKeyIs401() {
    Buffer body = Buffer.buffer(new JsonObject().put("user", "u").put("payload", 1).encode());
    Response none = WsTestClient.await(node.request(HttpMethod.POST, "/api/v1/messages", body, null));
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().getString("error")).isEqualTo("unauthorized");
    Response wrong = WsTestClient.await(node.request(HttpMethod.POST, "/api/v1/messages", body, "not-the-key"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(node.get("/api/v1/users/u").json().getLong("lastSeq")).isZero();
  }

  @Test
  void bodyOverTheLimitIs413() {
    String user = TestNode.freshUser("big");
    JsonObject body = new JsonObject().put("user", user).put("payload", "z".repeat(70 * 1024));
    Response r = node.publish(body);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().getString("error")).isNotBlank();
    assertThat(node.get("/api/v1/users/" + user).json().getLong("lastSeq")).isZero();
  }

  @Test
  void eventBusDoorAnswersTheSameJsonAndFailsWith400() throws Exception {
    String user = TestNode.freshUser("bus");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      JsonObject answer = (JsonObject) node.vertx().eventBus()
          .request("vpush.publish", new JsonObject().put("user", user).put("payload", "via-bus").put("id", "bus-1"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
      assertThat(answer).isEqualTo(new JsonObject().put("id", "bus-1").put("seq", 1));
      JsonObject msg = c.next(WAIT);
      assertThat(msg.getString("body")).isEqualTo("via-bus");

      JsonObject multi = (JsonObject) node.vertx().eventBus()
          .request("vpush.publish", new JsonObject().put("users", new JsonArray().add(user)).put("payload", 2))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
      assertThat(multi.getJsonArray("results").getJsonObject(0).getLong("seq")).isEqualTo(2L);
    }
    assertThatThrownBy(() -> node.vertx().eventBus()
        .request("vpush.publish", new JsonObject().put("user", user))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("payload");
        });
  }

  private static void assertBad(JsonObject body, String field) {
    Response r = node.publish(body);
    assertThat(r.status()).as("%s", body).isEqualTo(400);
    JsonObject json = r.json();
    assertThat(json.getString("error")).isNotBlank();
    assertThat(json.getString("message")).as("reason for %s", body).contains(field);
  }
}
