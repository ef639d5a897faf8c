package io.vpush.store.memory;

import io.vpush.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SeqInboxTest {

  private static StoredMessage msg(long seq, long expiresAt) {
    return new StoredMessage("m" + seq, "u", seq, 0, expiresAt, "{}", List.of());
  }

  private static List<Long> seqsAfter(SeqInbox inbox, long afterSeq, int limit) {
    List<StoredMessage> out = new ArrayList<>();
    inbox.after(afterSeq, limit, Long.MAX_VALUE, out);
    return out.stream().map(StoredMessage::seq).toList();
  }

  @Test
  void keepsSeqOrderAcrossGrowthAndWrapAround() {
    SeqInbox inbox = new SeqInbox();
    for (long s = 1; s <= 3; s++) inbox.append(msg(s, 1_000));
    assertThat(inbox.removeFirst().seq()).isEqualTo(1);
    for (long s = 4; s <= 11; s++) inbox.append(msg(s, 1_000));   // wraps, then grows twice
    assertThat(inbox.size()).isEqualTo(10);
    assertThat(seqsAfter(inbox, 0, 100)).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    assertThat(seqsAfter(inbox, 6, 2)).containsExactly(7L, 8L);
    assertThat(seqsAfter(inbox, 11, 100)).isEmpty();
  }

  @Test
  void afterSaysWhetherMoreRemain() {
    SeqInbox inbox = new SeqInbox();
    for (long s = 1; s <= 5; s++) inbox.append(msg(s, 1_000));
    assertThat(inbox.after(2, 3, Long.MAX_VALUE, new ArrayList<>())).isFalse();
    assertThat(inbox.after(1, 3, Long.MAX_VALUE, new ArrayList<>())).isTrue();
    assertThat(inbox.after(5, 3, Long.MAX_VALUE, new ArrayList<>())).isFalse();
  }

  @Test
  void expiryOutOfSeqOrderDropsOnlyWhatIsDueInSeqOrder() {
    SeqInbox inbox = new SeqInbox();
    inbox.append(msg(1, 100));
    inbox.append(msg(2, 500));
    inbox.append(msg(3, 50));
    inbox.append(msg(4, 100));
    List<Long> dropped = new ArrayList<>();
    inbox.removeExpired(49, m -> dropped.add(m.seq()));
    assertThat(dropped).isEmpty();
    inbox.removeExpired(100, m -> dropped.add(m.seq()));
    assertThat(dropped).containsExactly(1L, 3L, 4L);
    assertThat(seqsAfter(inbox, 0, 10)).containsExactly(2L);
    inbox.removeExpired(499, m -> dropped.add(m.seq()));
    assertThat(dropped).hasSize(3);
    inbox.append(msg(5, 800));
    inbox.removeExpired(500, m -> dropped.add(m.seq()));
    assertThat(dropped).containsExactly(1L, 3L, 4L, 2L);
    assertThat(seqsAfter(inbox, 0, 10)).containsExactly(5L);
  }

  @Test
  void trimmingTheHeadLeavesLaterExpiriesIntact() {
    SeqInbox inbox = new SeqInbox();
    inbox.append(msg(1, 10));
    inbox.append(msg(2, 20));
    inbox.removeFirst();                        // the earliest expiry left with it
    List<Long> dropped = new ArrayList<>();
    inbox.removeExpired(15, m -> dropped.add(m.seq()));
    assertThat(dropped).isEmpty();
    assertThat(inbox.size()).isEqualTo(1);
    inbox.removeExpired(20, m -> dropped.add(m.seq()));
    assertThat(dropped).containsExactly(2L);
    assertThat(inbox.size()).isZero();
  }
}
