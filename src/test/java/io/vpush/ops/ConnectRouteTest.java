package io.vpush.ops;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which nodes {@code GET /api/v1/connect} offers a client, in which order, with which URLs. */
class ConnectRouteTest {

  private static JsonObject entry(String id, boolean accepting) {
    return new JsonObject().put("id", id).put("url", "ws://" + id + ":8080/eventbus/websocket")
        .put("connections", 1L).put("load", 0.1).put("accepting", accepting);
  }

  private final List<JsonObject> directory = List.of(entry("n1", true), entry("n2", false), entry("n3", true), entry("n4", true));

  @Test
  void aNodeShuttingDownIsLeftOutAndTheOthersKeepTheDirectorysOrder() {
    List<JsonObject> nodes = ConnectRoute.choices(directory, null);
    assertThat(nodes).extracting(n -> n.getString("id")).containsExactly("n1", "n3", "n4");
    assertThat(nodes.get(0).getString("websocket")).isEqualTo("ws://n1:8080/eventbus/websocket");
    assertThat(nodes.get(0).getString("sockjs")).isEqualTo("http://n1:8080/eventbus");
  }

  @Test
  void aUsersNodeComesFirstTheSameEveryTimeAndUsersSpreadOverTheNodes() {
    Set<String> firsts = new HashSet<>();
    for (int u = 0; u < 200; u++) {
      String user = "user-" + u;
      List<JsonObject> once = ConnectRoute.choices(directory, user);
      List<JsonObject> again = ConnectRoute.choices(directory, user);
      assertThat(once).extracting(n -> n.getString("id")).as(user).isEqualTo(again.stream().map(n -> n.getString("id")).toList());
      assertThat(once).hasSize(3);
      firsts.add(once.get(0).getString("id"));
    }
    assertThat(firsts).as("each accepting node is some user's first").containsExactlyInAnyOrder("n1", "n3", "n4");
  }

  @Test
  void aUsersNodeStaysFirstWhenAnotherNodeLeaves() {
    String user = "steady";
    String first = ConnectRoute.choices(directory, user).get(0).getString("id");
    String other = ConnectRoute.choices(directory, user).get(1).getString("id");
    List<JsonObject> fewer = directory.stream().filter(e -> !e.getString("id").equals(other)).toList();
    assertThat(ConnectRoute.choices(fewer, user).get(0).getString("id")).isEqualTo(first);
  }

  @Test
  void sockJsUrlsFollowTheWebSocketScheme() {
    assertThat(ConnectRoute.sockJsUrl("wss://push.example.com/eventbus/websocket")).isEqualTo("https://push.example.com/eventbus");
    assertThat(ConnectRoute.sockJsUrl("ws://10.0.0.1:8080/eventbus/websocket")).isEqualTo("http://10.0.0.1:8080/eventbus");
  }
}
