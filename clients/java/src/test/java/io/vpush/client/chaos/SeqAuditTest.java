package io.vpush.client.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqAuditTest {

  @Test
  void countsLostDuplicatedAndReorderedCalls() {
    SeqAudit audit = new SeqAudit();
    for (String id : new String[] {"a", "b", "c", "d"}) audit.accepted("u", id);
    audit.handled("u", 1, "a");
    audit.handled("u", 3, "c");
    audit.handled("u", 2, "b"); // below the newest seen: reordered
    audit.handled("u", 3, "c"); // again: duplicated
    SeqAudit.Counts c = audit.counts();
    assertThat(c.lost()).isEqualTo(1); // d
    assertThat(c.duplicated()).isEqualTo(1);
    assertThat(c.reordered()).isEqualTo(1);
    assertThat(c.handlerCalls()).isEqualTo(4);
    assertThat(audit.complete(4)).isFalse();
  }

  @Test
  void isCompleteOnceEveryAcceptedIdWasHandledOnce() {
    SeqAudit audit = new SeqAudit();
    audit.accepted("u", "a");
    audit.accepted("v", "b");
    audit.handled("u", 1, "a");
    assertThat(audit.complete(1)).isFalse();
    audit.handled("v", 1, "b");
    assertThat(audit.complete(1)).isTrue();
    assertThat(audit.counts().toString()).contains("0 lost, 0 duplicated, 0 reordered, 0 gaps");
  }
}
