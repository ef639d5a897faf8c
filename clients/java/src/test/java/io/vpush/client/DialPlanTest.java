package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DialPlanTest {
  @Test
  void withoutDiscoveryTheConfiguredUrlsAreCycled() {
    DialPlan p = new DialPlan(List.of("a", "b"), false);
    assertThat(p.current()).isEqualTo("a");
    p.advance();
    assertThat(p.current()).isEqualTo("b");
    p.advance();
    assertThat(p.current()).isEqualTo("a");
  }

  @Test
  void withDiscoveryTheClientAsksFirstThenTriesTheNodesFromTheFrontThenAsksAgain() {
    DialPlan p = new DialPlan(List.of("base"), true);
    assertThat(p.current()).isNull();
    p.discovered(List.of("ws://n1", "ws://n2"), 0);
    assertThat(p.current()).isEqualTo("ws://n1");
    assertThat(p.current()).as("a re-dial to the same node (4001 retry) does not move").isEqualTo("ws://n1");
    p.advance();
    assertThat(p.current()).isEqualTo("ws://n2");
    p.advance();
    assertThat(p.current()).as("used up").isNull();
    p.discovered(List.of("ws://n3"), 0);
    assertThat(p.current()).isEqualTo("ws://n3");
  }

  @Test
  void aFailedDiscoveryDialsTheConfiguredUrlsOnceEachThenAsksAgain() {
    DialPlan p = new DialPlan(List.of("a", "b"), true);
    p.discoveryFailed();
    assertThat(p.current()).isEqualTo("a");
    p.advance();
    assertThat(p.current()).isEqualTo("b");
    p.advance();
    assertThat(p.current()).isNull();
    p.discovered(List.of(), 0);
    assertThat(p.current()).as("an empty answer counts as a failure").isEqualTo("a");
  }

  @Test
  void nodesThatRegisteredTheClientAreTriedAgainWhileFresh() {
    DialPlan p = new DialPlan(List.of("base"), true, 60_000);
    p.discovered(List.of("ws://n1", "ws://n2"), 1_000);
    p.registered();
    p.advance();
    p.advance();
    p.restartIfFresh(30_000);
    assertThat(p.current()).as("fresh and it worked: from the front, no request").isEqualTo("ws://n1");
    p.advance();
    p.advance();
    p.restartIfFresh(40_000);
    assertThat(p.current()).as("no registration since the restart: ask again").isNull();
    p.discovered(List.of("ws://n1"), 45_000);
    p.registered();
    p.stale(); // control: reconnect
    p.advance();
    p.restartIfFresh(46_000);
    assertThat(p.current()).as("a node of it is leaving: ask again").isNull();
    p.discovered(List.of("ws://n1"), 50_000);
    p.registered();
    p.advance();
    p.restartIfFresh(110_000);
    assertThat(p.current()).as("older than maxAge: ask again").isNull();
    p.discoveryFailed();
    p.registered();
    p.advance();
    p.restartIfFresh(110_001);
    assertThat(p.current()).as("configured URLs after a failed discovery: ask again once used up").isNull();
  }
}
