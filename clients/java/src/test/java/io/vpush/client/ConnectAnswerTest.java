package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectAnswerTest {
  @Test
  void theDiscoveryUrlIsBesideTheConfiguredOne() {
    assertThat(ConnectAnswer.connectUrl("http://h:8080", null)).isEqualTo("http://h:8080/api/v1/connect");
    assertThat(ConnectAnswer.connectUrl("https://h/push/", null)).isEqualTo("https://h/push/api/v1/connect");
    assertThat(ConnectAnswer.connectUrl("ws://h:1/eventbus/websocket", null)).isEqualTo("http://h:1/api/v1/connect");
    assertThat(ConnectAnswer.connectUrl("wss://h/eventbus/websocket", "a b&c"))
        .isEqualTo("https://h/api/v1/connect?user=a+b%26c");
  }

  @Test
  void theNodesAreReadInTheServersOrder() {
    String body = """
        {"nodes":[{"id":"n2","websocket":"ws://b:2/eventbus/websocket","sockjs":"http://b:2/eventbus","connections":1},
                  {"id":"n1","websocket":"wss://a/eventbus/websocket","connections":9}],"maxAgeSeconds":5}""";
    assertThat(ConnectAnswer.websocketUrls(body))
        .containsExactly("ws://b:2/eventbus/websocket", "wss://a/eventbus/websocket");
  }

  @Test
  void entriesWithoutAUsableUrlAreSkippedAndRepeatsDropped() {
    String body = """
        {"nodes":[{"id":"x"},{"websocket":7},{"websocket":"file:///etc/passwd"},{"websocket":"ws://"},
                  {"websocket":"ws://a:1/w"},{"websocket":"ws://a:1/w"},"junk",null]}""";
    assertThat(ConnectAnswer.websocketUrls(body)).containsExactly("ws://a:1/w");
  }

  @Test
  void aLongListIsCut() {
    StringBuilder b = new StringBuilder("{\"nodes\":[");
    for (int i = 0; i < 100; i++) b.append(i == 0 ? "" : ",").append("{\"websocket\":\"ws://n").append(i).append("\"}");
    assertThat(ConnectAnswer.websocketUrls(b.append("]}").toString())).hasSize(ConnectAnswer.MAX_NODES);
  }

  @Test
  void anAnswerWithNothingToDialIsAFailure() {
    for (String bad : new String[] {"", "not json", "[]", "{}", "{\"nodes\":{}}", "{\"nodes\":[]}",
        "{\"nodes\":[{\"websocket\":\"not a url\"}]}", "null"}) {
      assertThatThrownBy(() -> ConnectAnswer.websocketUrls(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
