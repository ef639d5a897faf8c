package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.testing.VPushProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK and token expiry on a live connection, against a real vpush process with tokens of a few seconds:
 * {@code control: refresh} makes it ask the supplier and send {@code vpush.refresh}; a refused refresh ends in the
 * server's 4001 at expiry, and the re-dial asks the supplier again.
 */
class VPushClientRefreshIT {
  private static VPushProcess server;
  private static VPushPublisher publisher;
  private final List<VPushClient> clients = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    // No clock skew allowed and a lead of 1 s: a token of a few seconds is warned, then expires, within the test.
    server = TestNodes.start("refresh", Map.of("VPUSH_JWT_LEEWAY_SECONDS", "0", "VPUSH_JWT_REFRESH_AHEAD_SECONDS", "1"));
    publisher = TestNodes.publisher(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(VPushClient::close);
  }

  private static long expMs(String jwt) {
    String claims = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    return Long.parseLong(claims.replaceAll(".*\"exp\":(\\d+).*", "$1")) * 1000;
  }

  private VPushClient client(String user, String clientId, java.util.function.Supplier<String> token) {
    VPushClient c = VPushClient.builder().url(server.url()).discovery(false).token(token).clientId(clientId)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(5)).build();
    clients.add(c);
    return c;
  }

  @Test
  void aRefreshedConnectionOutlivesItsFirstToken() throws Exception {
    List<String> tokens = new CopyOnWriteArrayList<>();
    List<Long> deadlines = new CopyOnWriteArrayList<>();
    List<Long> refreshedAt = new CopyOnWriteArrayList<>();
    List<StateChange> states = new CopyOnWriteArrayList<>();
    List<String> seen = new CopyOnWriteArrayList<>();
    VPushClient c = client("rjava", "r1", () -> {
      String t = TestNodes.token("rjava", tokens.isEmpty() ? 3 : 5);
      tokens.add(t);
      return t;
    });
    c.onTokenRefreshed(d -> {
      deadlines.add(d);
      refreshedAt.add(System.currentTimeMillis());
    });
    c.onState(states::add);
    c.onMessage(m -> seen.add(m.id()));
    c.connect().get(20, TimeUnit.SECONDS);
    VPushClientIT.await("two refreshes", () -> deadlines.size() >= 2);
    assertThat(deadlines).containsExactly(expMs(tokens.get(1)), expMs(tokens.get(2)));
    assertThat(refreshedAt.get(1)).as("the second refresh comes after the first token's exp").isGreaterThanOrEqualTo(expMs(tokens.get(0)));
    assertThat(states).extracting(StateChange::state).containsExactly(State.CONNECTING, State.CONNECTED);
    publisher.publish("rjava", "after-refresh", Map.of("n", 1));
    VPushClientIT.await("the message", () -> seen.contains("after-refresh"));
  }

  @Test
  void aRefusedRefreshEndsIn4001AndTheRedialAsksTheSupplierAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<StateChange> states = new CopyOnWriteArrayList<>();
    // 1: a 2 s token; 2 (the refresh): another user's, refused; 3 (the re-dial after 4001): a good one.
    VPushClient c = client("rjava2", "r2", () -> switch (calls.incrementAndGet()) {
      case 1 -> TestNodes.token("rjava2", 2);
      case 2 -> TestNodes.token("someone-else", 3600);
      default -> TestNodes.token("rjava2", 3600);
    });
    c.onError(errors::add);
    c.onState(states::add);
    c.connect().get(20, TimeUnit.SECONDS);
    VPushClientIT.await("connected again after 4001", () -> states.stream().filter(s -> s.state() == State.CONNECTED).count() >= 2);
    assertThat(calls.get()).isEqualTo(3);
    assertThat(states).anyMatch(s -> s.state() == State.DISCONNECTED && s.reason().equals("4001 token expired"));
    assertThat(errors).anyMatch(e -> e instanceof VPushException v && v.getMessage().contains("token subject does not match the user"));
    assertThat(c.state()).isEqualTo(State.CONNECTED);
  }
}
