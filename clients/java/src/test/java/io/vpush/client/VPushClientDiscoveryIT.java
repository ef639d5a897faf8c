package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.testing.FreePorts;
import io.vpush.testing.TcpProxy;
import io.vpush.testing.VPushProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Node discovery against a real vpush process whose advertised URL is a TCP proxy in front of it: a client given the
 * node's own URL dials what {@code /api/v1/connect} returned (the proxy sees the connection), asks again once those
 * nodes are used up, and dials the configured URL directly when discovery fails.
 */
class VPushClientDiscoveryIT {
  private static TcpProxy advertised;
  private static VPushProcess node;
  private static VPushPublisher publisher;
  private final List<VPushClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    int port = FreePorts.free();
    advertised = new TcpProxy(port);
    node = TestNodes.start("discovery", Map.of("VPUSH_HTTP_PORT", Integer.toString(port),
        "VPUSH_ADVERTISED_URL", "ws://127.0.0.1:" + advertised.port() + "/eventbus/websocket"));
    publisher = TestNodes.publisher(node);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (advertised != null) advertised.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(VPushClient::close);
  }

  private VPushClient client(String user, String url, boolean discovery, List<Long> seqs, List<StateChange> states) {
    VPushClient c = VPushClient.builder().url(url).discovery(discovery).token(() -> TestNodes.token(user, 3600))
        .clientId("phone").backoff(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5))
        .discoveryTimeout(Duration.ofSeconds(2)).build();
    c.onMessage(m -> seqs.add(m.seq())).onState(states::add);
    clients.add(c);
    return c;
  }

  @Test
  void theClientDialsTheNodeThatDiscoveryReturned() throws Exception {
    int before = advertised.accepted();
    List<Long> seqs = new CopyOnWriteArrayList<>();
    client("found", node.url(), true, seqs, new CopyOnWriteArrayList<>()).connect().get(20, TimeUnit.SECONDS);
    assertThat(advertised.accepted()).as("connections through the advertised URL").isEqualTo(before + 1);
    publisher.publish("found", "found-1", Map.of());
    VPushClientIT.await("1", () -> seqs.size() >= 1);
    assertThat(seqs).containsExactly(1L);
  }

  @Test
  void withDiscoveryOffTheConfiguredUrlIsDialled() throws Exception {
    int before = advertised.accepted();
    client("direct", node.url(), false, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>())
        .connect().get(20, TimeUnit.SECONDS);
    assertThat(advertised.accepted()).isEqualTo(before);
  }

  @Test
  void onceTheDiscoveredNodesAreUsedUpTheyAreDialledAgain() throws Exception {
    List<Long> seqs = new CopyOnWriteArrayList<>();
    List<StateChange> states = new CopyOnWriteArrayList<>();
    // The configured URL is a second proxy: every request to it (discovery, or a direct dial) is counted.
    try (TcpProxy front = new TcpProxy(node.port())) {
      client("again", front.url(), true, seqs, states).connect().get(20, TimeUnit.SECONDS);
      int dialled = advertised.accepted();
      advertised.cutAll(); // the one discovered node is used up: it registered us and is fresh, so it is dialled again
      VPushClientIT.await("connected again",
          () -> states.stream().filter(s -> s.state() == State.CONNECTED).count() >= 2);
      // The discovered node again, not the configured URL (whether discovery was asked again is DialPlanTest's: front
      // counts TCP connections, and OkHttp keeps the discovery one alive for the next request).
      assertThat(advertised.accepted()).isEqualTo(dialled + 1);
      publisher.publish("again", "again-1", Map.of());
      VPushClientIT.await("1", () -> seqs.size() >= 1);
      assertThat(seqs).containsExactly(1L);
    }
  }

  @Test
  void aFailedDiscoveryDialsTheConfiguredUrlDirectly() throws Exception {
    int before = advertised.accepted();
    List<Long> seqs = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    // The discovery request's answer is lost (the first connection through this proxy): a network error.
    try (TcpProxy front = new TcpProxy(node.port()).swallowFirstAnswer()) {
      VPushClient c = client("fallback", front.url(), true, seqs, new CopyOnWriteArrayList<>());
      c.onError(errors::add);
      c.connect().get(20, TimeUnit.SECONDS);
      assertThat(front.accepted()).as("the discovery request, then the direct dial").isEqualTo(2);
      assertThat(advertised.accepted()).isEqualTo(before);
      assertThat(errors).anyMatch(e -> e.getMessage().contains("discovery failed"));
      publisher.publish("fallback", "fallback-1", Map.of());
      VPushClientIT.await("1", () -> seqs.size() >= 1);
      assertThat(seqs).containsExactly(1L);
    }
  }
}
