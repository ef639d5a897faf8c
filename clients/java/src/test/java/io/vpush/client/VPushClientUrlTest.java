package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class VPushClientUrlTest {
  @Test
  void aBaseUrlGetsTheWebSocketEndpoint() {
    assertThat(VPushClient.wsUrl("http://h:8080")).isEqualTo("ws://h:8080/eventbus/websocket");
    assertThat(VPushClient.wsUrl("https://h/")).isEqualTo("wss://h/eventbus/websocket");
    assertThat(VPushClient.wsUrl("ws://h:1/x/websocket")).isEqualTo("ws://h:1/x/websocket");
  }

  @Test
  void theUserIsTheTokensSubject() {
    String claims = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"sub\":\"alice\",\"exp\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(VPushClient.subjectOf("e30." + claims + ".sig")).isEqualTo("alice");
  }
}
