package io.vpush.dispatch;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which connections a kick closes, and that a kick crosses the node wire whole. */
class KickTest {

  @Test
  void aReplacingKickClosesTheClientsConnectionsThatRegisteredNoLaterThanItsRegisterBegan() {
    Kick kick = Kick.replacing("alice", "c1", 1_000, "tab-1");
    assertThat(kick.closes("c1", 999)).isTrue();
    assertThat(kick.closes("c1", 1_000)).isTrue();
    assertThat(kick.closes("c1", 1_001)).as("registered after: the newer one").isFalse();
    assertThat(kick.closes("c2", 999)).as("another client").isFalse();
  }

  @Test
  void anOperatorKickClosesEveryConnectionItNames() {
    assertThat(Kick.operator("alice", null).closes("c9", Long.MAX_VALUE - 1)).isTrue();
    assertThat(Kick.operator("alice", "c1").closes("c2", 0)).isFalse();
  }

  @Test
  void aKickCrossesTheNodeWireWhole() {
    Kick kick = Kick.replacing("alice", "c1", 1_234, "tab-1");
    assertThat(NodeWire.kick(new JsonObject(NodeWire.kick(kick).encode()))).isEqualTo(kick);
    Kick operator = Kick.operator("bob", null);
    assertThat(NodeWire.kick(new JsonObject(NodeWire.kick(operator).encode()))).isEqualTo(operator);
  }

  @Test
  void aKickFromANodeThatSendsNoTimeClosesWhatItNames() {
    Kick kick = NodeWire.kick(new JsonObject().put("t", NodeWire.KICK).put("u", "alice").put("c", "c1"));
    assertThat(kick.closes("c1", Long.MAX_VALUE)).isTrue();
  }
}
