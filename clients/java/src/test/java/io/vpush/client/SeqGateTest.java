package io.vpush.client;

import static io.vpush.client.SeqGate.Verdict.DELIVER;
import static io.vpush.client.SeqGate.Verdict.DUPLICATE;
import static io.vpush.client.SeqGate.Verdict.JUMP;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqGateTest {
  @Test
  void nextIsDeliveredPastIsDuplicateAheadIsAJump() {
    SeqGate g = new SeqGate(41);
    assertThat(g.classify(42)).isEqualTo(DELIVER);
    assertThat(g.classify(41)).isEqualTo(DUPLICATE);
    assertThat(g.classify(3)).isEqualTo(DUPLICATE);
    assertThat(g.classify(44)).isEqualTo(JUMP);
    g.processed(42);
    assertThat(g.classify(42)).isEqualTo(DUPLICATE);
    assertThat(g.classify(43)).isEqualTo(DELIVER);
  }

  @Test
  void withoutAStoredLastSeqTheFirstSeqIsTheBaseline() {
    SeqGate g = new SeqGate(-1);
    assertThat(g.known()).isFalse();
    assertThat(g.classify(17)).isEqualTo(DELIVER); // the server's cursor for the clientId decides where it starts
    g.processed(17);
    assertThat(g.classify(17)).isEqualTo(DUPLICATE);
    assertThat(g.classify(19)).isEqualTo(JUMP);
  }

  @Test
  void processedNeverMovesBackAndResetFollowsALostServer() {
    SeqGate g = new SeqGate(10);
    g.processed(5);
    assertThat(g.lastSeq()).isEqualTo(10);
    g.resetTo(0);
    assertThat(g.classify(1)).isEqualTo(DELIVER);
  }
}
