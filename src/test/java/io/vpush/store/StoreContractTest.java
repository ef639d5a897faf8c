package io.vpush.store;

import io.vertx.core.Future;
import io.vpush.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link Store} engine must have (protocol.md section 6); each engine's test extends it.
 *
 * <p>All time comes from the {@link ManualClock} handed to {@link #createStore}; engines never read the system
 * clock for logic. Idempotency choice under test: an id is remembered exactly as long as its message is
 * retained; once the message expired or was trimmed, the same id is accepted again as a new message.
 */
public abstract class StoreContractTest {

  protected static final long T0 = 1_767_225_600_000L;
  private static final long DEFAULT_TTL = 3_600;

  protected final ManualClock clock = new ManualClock(T0);
  private final List<Store> created = new ArrayList<>();

  /** A fresh, empty store of the engine under test. */
  protected abstract Store createStore(ManualClock clock, int inboxCap, long ttlSeconds) throws Exception;

  /**
   * A second store over the same data, as another node would have; engines with node-local data (memory)
   * answer the same instance.
   */
  protected Store peerOf(Store store, ManualClock clock, int inboxCap, long ttlSeconds) throws Exception {
    return store;
  }

  /** Wipes the engine's shared state between tests (e.g. FLUSHALL); called after every store was closed. */
  protected void reset() throws Exception {
  }

  @AfterEach
  void closeStores() throws Exception {
    for (Store s : created) await(s.close());
    created.clear();
    reset();
  }

  private Store store(int cap) throws Exception {
    Store s = createStore(clock, cap, DEFAULT_TTL);
    created.add(s);
    return s;
  }

  protected static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private NewMessage msg(String user, String id, String payload) {
    return new NewMessage(id, user, clock.nowMs(), 0, payload, List.of());
  }

  private NewMessage msg(String user, String id, long ttlSeconds) {
    return new NewMessage(id, user, clock.nowMs(), ttlSeconds, "{\"id\":\"" + id + "\"}", List.of());
  }

  /** A message whose id was drawn at random for it (see {@link NewMessage#freshId}). */
  private NewMessage fresh(String user, String id, long ttlSeconds, String payload) {
    return new NewMessage(id, user, clock.nowMs(), ttlSeconds, payload, List.of(), true);
  }

  private static List<Long> seqs(InboxPage page) {
    return page.messages().stream().map(StoredMessage::seq).toList();
  }

  // --- accept ---

  @Test
  void seqStartsAtOneAndCountsPerUser() throws Exception {
    Store s = store(100);
    assertThat(await(s.accept(msg("u1", "a", "1"))).message().seq()).isEqualTo(1);
    assertThat(await(s.accept(msg("u1", "b", "2"))).message().seq()).isEqualTo(2);
    assertThat(await(s.accept(msg("u2", "c", "3"))).message().seq()).isEqualTo(1);
    assertThat(await(s.accept(msg("u1", "d", "4"))).message().seq()).isEqualTo(3);
    assertThat(await(s.lastSeq("u1"))).isEqualTo(3);
    assertThat(await(s.lastSeq("u2"))).isEqualTo(1);
    assertThat(await(s.lastSeq("nobody"))).isZero();
  }

  @Test
  void acceptedMessageCarriesEverythingAndRoundTrips() throws Exception {
    Store s = store(100);
    String payload = "{\"text\":\"h\u00e9llo \u2713 \\\"q\\\"\",\"n\":[1,2.5,null]}";
    NewMessage m = new NewMessage("id-1", "u1", T0 - 5, 120, payload, List.of("pos", "mobile"));
    Accepted a = await(s.accept(m));
    assertThat(a.duplicate()).isFalse();
    StoredMessage expected = new StoredMessage("id-1", "u1", 1, T0 - 5, T0 - 5 + 120_000, payload, List.of("pos", "mobile"));
    assertThat(a.message()).isEqualTo(expected);
    assertThat(await(s.read("u1", 0, 10)).messages()).containsExactly(expected);
  }

  @Test
  void zeroTtlMeansTheDefault() throws Exception {
    Store s = store(100);
    StoredMessage m = await(s.accept(msg("u1", "a", 0))).message();
    assertThat(m.expiresAt()).isEqualTo(T0 + DEFAULT_TTL * 1000);
  }

  @Test
  void duplicateIdKeepsFirstAcceptanceAndUsesNoSeq() throws Exception {
    Store s = store(100);
    StoredMessage first = await(s.accept(msg("u1", "x", "{\"v\":1}"))).message();
    clock.advance(1_000);
    Accepted again = await(s.accept(msg("u1", "x", "{\"v\":2}")));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.message()).isEqualTo(first);
    assertThat(await(s.accept(msg("u1", "y", "{}"))).message().seq()).isEqualTo(2);
    assertThat(await(s.lastSeq("u1"))).isEqualTo(2);
    // Ids are per user: the same id for another user is a new message.
    Accepted other = await(s.accept(msg("u2", "x", "{}")));
    assertThat(other.duplicate()).isFalse();
    assertThat(other.message().seq()).isEqualTo(1);
  }

  @Test
  void acceptAllKeepsOrderAndMarksDuplicates() throws Exception {
    Store s = store(100);
    List<Accepted> out = await(s.acceptAll(List.of(
        msg("u1", "a", "1"), msg("u2", "a", "2"), msg("u1", "b", "3"), msg("u1", "a", "4"), msg("u1", "c", "5"))));
    assertThat(out).extracting(x -> x.message().user() + ":" + x.message().seq() + ":" + x.duplicate())
        .containsExactly("u1:1:false", "u2:1:false", "u1:2:false", "u1:1:true", "u1:3:false");
    assertThat(out.get(3).message().payload()).isEqualTo("1");
    assertThat(await(s.acceptAll(List.of()))).isEmpty();
  }

  @Test
  void acceptAllOfManyUsersAnswersEachMessageInPlace() throws Exception {
    // More users than one Redis call carries: every answer must still land on its own message.
    Store s = store(100);
    await(s.accept(msg("user-7", "seen", "before")));
    List<NewMessage> batch = new java.util.ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int u = 0; u < 150; u++) batch.add(msg("user-" + u, "m" + round, "user-" + u + "/" + round));
    }
    batch.add(msg("user-7", "seen", "again"));
    List<Accepted> out = await(s.acceptAll(batch));
    for (int i = 0; i < 300; i++) {
      Accepted a = out.get(i);
      int u = i % 150;
      assertThat(a.message().payload()).isEqualTo("user-" + u + "/" + (i / 150));
      assertThat(a.message().user()).isEqualTo("user-" + u);
      assertThat(a.message().seq()).isEqualTo((u == 7 ? 1 : 0) + 1 + i / 150);
      assertThat(a.duplicate()).isFalse();
    }
    assertThat(out.get(300).duplicate()).isTrue();
    assertThat(out.get(300).message().payload()).isEqualTo("before");
    assertThat(await(s.read("user-149", 0, 10)).messages()).extracting(StoredMessage::payload)
        .containsExactly("user-149/0", "user-149/1");
  }

  @Test
  void acceptAllOfManyMessagesForOneUserAssignsConsecutiveSeqs() throws Exception {
    Store s = store(1000);
    List<NewMessage> batch = IntStream.rangeClosed(1, 300).mapToObj(i -> msg("u1", "m" + i, "" + i)).toList();
    List<Accepted> out = await(s.acceptAll(batch));
    assertThat(out).extracting(a -> a.message().seq()).containsExactlyElementsOf(
        IntStream.rangeClosed(1, 300).mapToObj(i -> (long) i).toList());
    assertThat(await(s.read("u1", 0, 1000)).messages()).hasSize(300);
  }

  @Test
  void acceptAllTrimsAndForgetsWithinOneBatch() throws Exception {
    Store s = store(2);
    List<Accepted> out = await(s.acceptAll(List.of(
        msg("u1", "a", "1"), msg("u1", "b", "2"), msg("u1", "b", "dup"), msg("u1", "c", "3"), msg("u1", "a", "new"))));
    assertThat(out).extracting(x -> x.message().seq() + ":" + x.duplicate())
        .containsExactly("1:false", "2:false", "2:true", "3:false", "4:false");
    InboxPage page = await(s.read("u1", 0, 10));
    assertThat(page.messages()).extracting(StoredMessage::payload).containsExactly("3", "new");
    assertThat(page.gap()).isTrue();
  }

  // --- read ---

  @Test
  void readPagesInSeqOrder() throws Exception {
    Store s = store(100);
    for (int i = 1; i <= 5; i++) await(s.accept(msg("u1", "m" + i, "" + i)));
    InboxPage p1 = await(s.read("u1", 0, 2));
    assertThat(seqs(p1)).containsExactly(1L, 2L);
    assertThat(p1.more()).isTrue();
    assertThat(p1.lastSeq()).isEqualTo(5);
    assertThat(p1.gap()).isFalse();
    InboxPage p2 = await(s.read("u1", 2, 2));
    assertThat(seqs(p2)).containsExactly(3L, 4L);
    assertThat(p2.more()).isTrue();
    InboxPage p3 = await(s.read("u1", 4, 2));
    assertThat(seqs(p3)).containsExactly(5L);
    assertThat(p3.more()).isFalse();
    assertThat(await(s.read("u1", 3, 2)).more()).isFalse();
    InboxPage after = await(s.read("u1", 5, 10));
    assertThat(after.messages()).isEmpty();
    assertThat(after.more()).isFalse();
    assertThat(after.gap()).isFalse();
    assertThat(after.lastSeq()).isEqualTo(5);
    assertThat(await(s.read("u1", 99, 10)).messages()).isEmpty();
  }

  /** Issue 21: a read is bounded by the bytes its reply can carry, whatever its limit; at least one message. */
  @Test
  void readStopsAtItsByteBudgetWithAtLeastOneMessageAndSaysMore() throws Exception {
    Store s = store(2_000);
    String kb = "\"" + "k".repeat(1_000) + "\"";   // about 1 KB stored per message, whatever the engine adds
    for (int i = 1; i <= 1_000; i++) await(s.accept(msg("u1", "m" + i, kb)));
    InboxPage page = await(s.read("u1", 0, 1_000, 10_500));
    // Ten of about 1,000 bytes plus what the engine stores with each (a few dozen bytes): nine or ten, never eleven.
    assertThat(page.messages()).hasSizeBetween(9, 10);
    assertThat(seqs(page)).startsWith(1L, 2L, 3L);
    assertThat(page.more()).isTrue();
    assertThat(page.lastSeq()).isEqualTo(1_000);
    long bytes = page.messages().stream().mapToLong(StoredMessage::storedBytes).sum();
    assertThat(bytes).isLessThanOrEqualTo(10_500);
    // A budget smaller than one message still gets that one, with more.
    InboxPage one = await(s.read("u1", 5, 1_000, 1));
    assertThat(seqs(one)).containsExactly(6L);
    assertThat(one.more()).isTrue();
    // The last message alone within the budget: no more.
    InboxPage last = await(s.read("u1", 999, 1_000, 1));
    assertThat(seqs(last)).containsExactly(1_000L);
    assertThat(last.more()).isFalse();
    // Paging by budget walks the whole inbox in order, each page within it.
    List<Long> all = new ArrayList<>();
    long after = 0;
    InboxPage p;
    do {
      p = await(s.read("u1", after, 1_000, 100_000));
      assertThat(p.messages()).isNotEmpty();
      assertThat(p.messages().stream().mapToLong(StoredMessage::storedBytes).sum()).isLessThanOrEqualTo(100_000);
      all.addAll(seqs(p));
      after = all.get(all.size() - 1);
    } while (p.more());
    assertThat(all).containsExactlyElementsOf(IntStream.rangeClosed(1, 1_000).mapToObj(i -> (long) i).toList());
    // The limit still applies within the budget, and a page that ends exactly on the last message says no more.
    InboxPage limited = await(s.read("u1", 990, 3, 1_000_000));
    assertThat(seqs(limited)).containsExactly(991L, 992L, 993L);
    assertThat(limited.more()).isTrue();
    assertThat(await(s.read("u1", 997, 3, 1_000_000)).more()).isFalse();
  }

  /** A full page says more only when a retained message follows it, whatever dropped seqs lie in between. */
  @Test
  void aFullPageSaysMoreOnlyWhenARetainedMessageFollowsPastTheHoles() throws Exception {
    Store s = store(100);
    await(s.accept(msg("u1", "long-1", 3_600)));
    await(s.accept(msg("u1", "short-2", 10)));
    await(s.accept(msg("u1", "short-3", 10)));
    await(s.accept(msg("u1", "long-4", 3_600)));
    await(s.accept(msg("u1", "short-5", 10)));
    clock.advance(11_000);
    InboxPage first = await(s.read("u1", 0, 1, 1_000_000));
    assertThat(seqs(first)).containsExactly(1L);
    assertThat(first.more()).as("seq 4 follows the holes 2 and 3").isTrue();
    InboxPage second = await(s.read("u1", 1, 1, 1_000_000));
    assertThat(seqs(second)).containsExactly(4L);
    assertThat(second.more()).as("only the hole 5 follows").isFalse();
    InboxPage byBudget = await(s.read("u1", 0, 10, 1));
    assertThat(seqs(byBudget)).containsExactly(1L);
    assertThat(byBudget.more()).isTrue();
  }

  @Test
  void readOfUnknownUserIsEmpty() throws Exception {
    Store s = store(100);
    assertThat(await(s.read("nobody", 0, 10))).isEqualTo(new InboxPage(List.of(), 0, false, false));
  }

  // --- cap and TTL ---

  @Test
  void capTrimsOldestFirstAndReportsGapOnlyBelowTheDropped() throws Exception {
    Store s = store(3);
    for (int i = 1; i <= 5; i++) await(s.accept(msg("u1", "m" + i, "" + i)));
    InboxPage page = await(s.read("u1", 0, 10));
    assertThat(seqs(page)).containsExactly(3L, 4L, 5L);
    assertThat(page.gap()).isTrue();
    assertThat(page.lastSeq()).isEqualTo(5);
    assertThat(await(s.read("u1", 1, 10)).gap()).isTrue();
    InboxPage fromTwo = await(s.read("u1", 2, 10));
    assertThat(fromTwo.gap()).isFalse();
    assertThat(seqs(fromTwo)).containsExactly(3L, 4L, 5L);
    assertThat(await(s.read("u1", 4, 10)).gap()).isFalse();
    if (s instanceof StoreStats stats) {
      assertThat(stats.droppedByCap()).isEqualTo(2);
      assertThat(stats.expired()).isZero();
    }
    // Another user is not affected by u1's cap.
    await(s.accept(msg("u2", "m1", "1")));
    assertThat(await(s.read("u2", 0, 10)).gap()).isFalse();
  }

  @Test
  void messagesExpireByTheirOwnTtl() throws Exception {
    Store s = store(100);
    await(s.accept(msg("u1", "short", 10)));   // seq 1, expires T0+10s
    await(s.accept(msg("u1", "default", 0)));  // seq 2, expires T0+3600s
    await(s.accept(msg("u1", "mid", 30)));     // seq 3, expires T0+30s
    clock.advance(9_999);
    assertThat(seqs(await(s.read("u1", 0, 10)))).containsExactly(1L, 2L, 3L);
    clock.advance(1);  // exactly ts+ttl: gone
    InboxPage p = await(s.read("u1", 0, 10));
    assertThat(seqs(p)).containsExactly(2L, 3L);
    assertThat(p.gap()).isTrue();
    assertThat(await(s.read("u1", 1, 10)).gap()).isFalse();
    clock.advance(20_000);
    InboxPage q = await(s.read("u1", 1, 10));
    assertThat(seqs(q)).containsExactly(2L);
    assertThat(q.gap()).isTrue();
    assertThat(await(s.read("u1", 2, 10)).gap()).isTrue();
    assertThat(await(s.read("u1", 3, 10)).gap()).isFalse();
    assertThat(await(s.lastSeq("u1"))).isEqualTo(3);
    if (s instanceof StoreStats stats) assertThat(stats.expired()).isEqualTo(2);
    // Seqs keep counting after expiries.
    assertThat(await(s.accept(msg("u1", "next", 0))).message().seq()).isEqualTo(4);
  }

  @Test
  void aShorterTtlAfterALongerOneStillExpiresOnTime() throws Exception {
    Store s = store(100);
    await(s.accept(msg("u1", "long", 3600)));  // seq 1
    await(s.accept(msg("u1", "short", 10)));   // seq 2, the earliest expiry now
    clock.advance(10_000);
    assertThat(seqs(await(s.read("u1", 0, 10)))).containsExactly(1L);
    await(s.accept(msg("u1", "brief", 5)));    // seq 3
    clock.advance(5_000);
    assertThat(await(s.accept(msg("u1", "next", 3600))).message().seq()).isEqualTo(4);
    assertThat(seqs(await(s.read("u1", 0, 10)))).containsExactly(1L, 4L);
    if (s instanceof StoreStats stats) assertThat(stats.expired()).isEqualTo(2);
  }

  @Test
  void messagesExpireOnTimeWhateverTheOrderOfTheirTtls() throws Exception {
    Store s = store(100);
    long[] ttls = {60, 30, 100, 100, 20};                      // seqs 1..5
    for (int i = 0; i < ttls.length; i++) await(s.accept(msg("u1", "m" + i, ttls[i])));
    clock.advance(20_000);
    assertThat(seqs(await(s.read("u1", 0, 10)))).containsExactly(1L, 2L, 3L, 4L);
    clock.advance(10_000);
    assertThat(seqs(await(s.read("u1", 0, 10)))).containsExactly(1L, 3L, 4L);
    clock.advance(30_000);
    InboxPage p = await(s.read("u1", 0, 10));
    assertThat(seqs(p)).containsExactly(3L, 4L);
    assertThat(p.gap()).isTrue();
    assertThat(await(s.read("u1", 2, 10)).gap()).isTrue();     // seq 5 went too
    clock.advance(40_000);
    assertThat(await(s.read("u1", 0, 10)).messages()).isEmpty();
    assertThat(await(s.accept(msg("u1", "later", 10))).message().seq()).isEqualTo(6);
    assertThat(seqs(await(s.read("u1", 5, 10)))).containsExactly(6L);
    assertThat(await(s.read("u1", 5, 10)).gap()).isFalse();
    if (s instanceof StoreStats stats) assertThat(stats.expired()).isEqualTo(5);
  }

  @Test
  void aMessageTrimmedByTheCapIsNotCountedAgainWhenItsTtlPasses() throws Exception {
    Store s = store(2);
    await(s.accept(msg("u1", "a", 60)));
    await(s.accept(msg("u1", "b", 10)));   // expires before a
    await(s.accept(msg("u1", "c", 60)));
    await(s.accept(msg("u1", "d", 60)));   // a and b go over the cap
    clock.advance(10_000);
    assertThat(seqs(await(s.read("u1", 0, 10)))).containsExactly(3L, 4L);
    clock.advance(50_000);
    assertThat(await(s.read("u1", 0, 10)).messages()).isEmpty();
    if (s instanceof StoreStats stats) {
      assertThat(stats.droppedByCap()).isEqualTo(2);
      assertThat(stats.expired()).isEqualTo(2);
    }
  }

  @Test
  void messageAlreadyPastItsExpiryIsAcceptedButNotRetained() throws Exception {
    Store s = store(100);
    NewMessage old = new NewMessage("old", "u1", T0 - 20_000, 10, "{}", List.of());
    Accepted a = await(s.accept(old));
    assertThat(a.message().seq()).isEqualTo(1);
    InboxPage p = await(s.read("u1", 0, 10));
    assertThat(p.messages()).isEmpty();
    assertThat(p.gap()).isTrue();
  }

  @Test
  void idIsForgottenOnlyWhenItsMessageExpired() throws Exception {
    Store s = store(100);
    await(s.accept(msg("u1", "x", 10)));
    clock.advance(9_000);
    assertThat(await(s.accept(msg("u1", "x", 10))).duplicate()).isTrue();
    clock.advance(1_000);
    Accepted again = await(s.accept(msg("u1", "x", 10)));
    assertThat(again.duplicate()).isFalse();
    assertThat(again.message().seq()).isEqualTo(2);
  }

  @Test
  void idIsForgottenOnlyWhenItsMessageWasTrimmed() throws Exception {
    Store s = store(2);
    await(s.accept(msg("u1", "a", "1")));
    await(s.accept(msg("u1", "b", "2")));
    assertThat(await(s.accept(msg("u1", "a", "x"))).duplicate()).isTrue();
    await(s.accept(msg("u1", "c", "3")));  // trims a
    assertThat(await(s.accept(msg("u1", "b", "x"))).duplicate()).isTrue();
    Accepted a = await(s.accept(msg("u1", "a", "again")));
    assertThat(a.duplicate()).isFalse();
    assertThat(a.message().seq()).isEqualTo(4);
  }

  @Test
  void aFreshIdIsNeitherLookedUpNorIndexed() throws Exception {
    Store s = store(100);
    StoredMessage indexed = await(s.accept(msg("u1", "x", "{\"v\":1}"))).message();
    Accepted fresh = await(s.accept(fresh("u1", "x", 0, "{\"v\":2}")));
    assertThat(fresh.duplicate()).as("a fresh id is not looked up").isFalse();
    assertThat(fresh.message().seq()).isEqualTo(2);
    Accepted again = await(s.accept(msg("u1", "x", "{\"v\":3}")));
    assertThat(again.duplicate()).as("the fresh one did not take the index entry").isTrue();
    assertThat(again.message()).isEqualTo(indexed);
    assertThat(await(s.read("u1", 0, 10)).messages()).containsExactly(indexed,
        new StoredMessage("x", "u1", 2, T0, T0 + DEFAULT_TTL * 1000, "{\"v\":2}", List.of()));
  }

  @Test
  void droppingAFreshMessageKeepsTheIndexEntryOfAnotherWithTheSameId() throws Exception {
    Store s = store(2);
    await(s.accept(fresh("u1", "x", 10, "{}")));                   // seq 1, expires at T0 + 10 s
    assertThat(await(s.accept(msg("u1", "x", 100))).message().seq()).isEqualTo(2);
    clock.advance(10_000);                                          // seq 1 expires
    Accepted again = await(s.accept(msg("u1", "x", 100)));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.message().seq()).isEqualTo(2);
    await(s.accept(fresh("u1", "y", 0, "{}")));                    // seq 3
    await(s.accept(fresh("u1", "z", 0, "{}")));                    // seq 4 trims seq 2, the indexed x
    Accepted after = await(s.accept(msg("u1", "x", 100)));
    assertThat(after.duplicate()).as("x was forgotten with its message").isFalse();
    assertThat(after.message().seq()).isEqualTo(5);
  }

  // --- cursors ---

  @Test
  void cursorMovesOnlyForwardPerClient() throws Exception {
    Store s = store(100);
    for (int i = 1; i <= 7; i++) await(s.accept(msg("u1", "m" + i, "{}")));
    assertThat(await(s.cursor("u1", "c1"))).isZero();
    await(s.ack("u1", "c1", 5));
    assertThat(await(s.cursor("u1", "c1"))).isEqualTo(5);
    await(s.ack("u1", "c1", 3));
    assertThat(await(s.cursor("u1", "c1"))).isEqualTo(5);
    await(s.ack("u1", "c1", 7));
    assertThat(await(s.cursor("u1", "c1"))).isEqualTo(7);
    assertThat(await(s.cursor("u1", "c2"))).isZero();
    assertThat(await(s.cursor("u2", "c1"))).isZero();
    assertThat(await(s.lastSeq("u1"))).isEqualTo(7);
  }

  /** Issue 21: a bogus ack beyond the last seq must not hide the messages that come after it. */
  @Test
  void ackBeyondTheLastSeqIsClampedToIt() throws Exception {
    Store s = store(100);
    await(s.ack("nobody", "c1", 1_000_000_000L));
    assertThat(await(s.cursor("nobody", "c1"))).isZero();
    await(s.accept(msg("u1", "a", "{}")));
    await(s.accept(msg("u1", "b", "{}")));
    await(s.ack("u1", "c1", 1_000_000_000L));
    assertThat(await(s.cursor("u1", "c1"))).isEqualTo(2);
    StoredMessage next = await(s.accept(msg("u1", "c", "{}"))).message();
    assertThat(next.seq()).isEqualTo(3);
    // The client's next catch-up from its cursor finds the new message.
    assertThat(seqs(await(s.read("u1", await(s.cursor("u1", "c1")), 10)))).containsExactly(3L);
    await(s.ack("u1", "c1", 3));
    assertThat(await(s.cursor("u1", "c1"))).isEqualTo(3);
  }

  // --- delay queue ---

  private ScheduledMessage scheduled(String id, long deliverAt) {
    return new ScheduledMessage(new NewMessage(id, "u1", T0, 60, "{\"s\":\"" + id + "\"}", List.of("web")), deliverAt);
  }

  @Test
  void claimReturnsDueItemsInDueOrderAndLeasesThem() throws Exception {
    Store s = store(100);
    ScheduledMessage a = scheduled("a", T0 + 1_000);
    ScheduledMessage b = scheduled("b", T0 + 2_000);
    ScheduledMessage c = scheduled("c", T0 + 500);
    await(s.schedule(a));
    await(s.schedule(b));
    await(s.schedule(c));
    assertThat(await(s.claimDue(T0, 10, 5_000))).isEmpty();
    assertThat(await(s.claimDue(T0 + 1_000, 10, 5_000))).containsExactly(c, a);
    assertThat(await(s.claimDue(T0 + 1_000, 10, 5_000))).isEmpty();  // leased
    assertThat(await(s.claimDue(T0 + 2_000, 10, 5_000))).containsExactly(b);
    await(s.completeScheduled(List.of(c)));
    // a's lease ends at T0+6000, b's at T0+7000; c is gone for good.
    assertThat(await(s.claimDue(T0 + 5_999, 10, 5_000))).isEmpty();
    assertThat(await(s.claimDue(T0 + 6_000, 10, 5_000))).containsExactly(a);
    assertThat(await(s.claimDue(T0 + 20_000, 10, 5_000))).containsExactly(b, a);
    await(s.completeScheduled(List.of(a, b)));
    assertThat(await(s.claimDue(T0 + 100_000, 10, 5_000))).isEmpty();
    await(s.completeScheduled(List.of(a)));  // completing twice is harmless
  }

  @Test
  void schedulingTheSameIdTwiceKeepsOne() throws Exception {
    Store s = store(100);
    ScheduledMessage a = scheduled("a", T0 + 1_000);
    await(s.schedule(a));
    await(s.schedule(scheduled("a", T0 + 50)));
    assertThat(await(s.claimDue(T0 + 999, 10, 5_000))).isEmpty();
    assertThat(await(s.claimDue(T0 + 1_000, 10, 5_000))).containsExactly(a);
  }

  @Test
  void claimRespectsMax() throws Exception {
    Store s = store(100);
    for (int i = 0; i < 5; i++) await(s.schedule(scheduled("m" + i, T0 + i)));
    assertThat(await(s.claimDue(T0 + 10, 2, 5_000))).extracting(m -> m.message().id()).containsExactly("m0", "m1");
    assertThat(await(s.claimDue(T0 + 10, 2, 5_000))).extracting(m -> m.message().id()).containsExactly("m2", "m3");
    assertThat(await(s.claimDue(T0 + 10, 2, 5_000))).extracting(m -> m.message().id()).containsExactly("m4");
  }

  @Test
  void concurrentClaimersNeverGetTheSameItemWithinALease() throws Exception {
    Store s = store(100);
    Store peer = peerOf(s, clock, 100, DEFAULT_TTL);
    if (peer != s) created.add(peer);
    int n = 200;
    for (int i = 0; i < n; i++) await(s.schedule(scheduled("m" + i, T0)));
    List<Future<List<ScheduledMessage>>> claims = new ArrayList<>();
    for (int i = 0; i < 8; i++) claims.add((i % 2 == 0 ? s : peer).claimDue(T0, 40, 60_000));
    Set<String> seen = new HashSet<>();
    int total = 0;
    for (Future<List<ScheduledMessage>> f : claims) {
      for (ScheduledMessage m : await(f)) {
        assertThat(seen.add(m.id())).as("claimed twice: %s", m.id()).isTrue();
        total++;
      }
    }
    assertThat(total).isEqualTo(n);
  }

  /** Issue 21: user b@c with id a and user c with id a@b made one key ({@code id@user}); the second was lost. */
  @Test
  void scheduledMessagesWhoseUserAndIdOnceCollidedAreBothReleased() throws Exception {
    Store s = store(100);
    ScheduledMessage first = scheduledFor("b@c", "a", T0 + 100);
    ScheduledMessage second = scheduledFor("c", "a@b", T0 + 200);
    await(s.schedule(first));
    await(s.schedule(second));
    assertThat(await(s.claimDue(T0 + 1_000, 10, 5_000))).containsExactly(first, second);
    // Completing one leaves the other: it comes back when its lease ends.
    await(s.completeScheduled(List.of(first)));
    assertThat(await(s.claimDue(T0 + 6_000, 10, 5_000))).containsExactly(second);
    await(s.completeScheduled(List.of(second)));
    assertThat(await(s.claimDue(T0 + 100_000, 10, 5_000))).isEmpty();
  }

  /** Every (user, id) of tricky parts ('@', ':', '|', digits, one character, spaces) is queued and released on its own. */
  @Test
  void noTwoUserIdPairsShareADelayQueueEntry() throws Exception {
    Store s = store(100);
    List<String> parts = trickyParts();
    List<ScheduledMessage> all = new ArrayList<>();
    for (String user : parts) {
      for (String id : parts) all.add(scheduledFor(user, id, T0));
    }
    for (ScheduledMessage m : all) await(s.schedule(m));
    Set<ScheduledMessage> claimed = new HashSet<>();
    for (List<ScheduledMessage> page = await(s.claimDue(T0, 100, 60_000)); !page.isEmpty();
         page = await(s.claimDue(T0, 100, 60_000))) {
      for (ScheduledMessage m : page) assertThat(claimed.add(m)).as("claimed twice: %s", m).isTrue();
    }
    assertThat(claimed).containsExactlyInAnyOrderElementsOf(all);
    await(s.completeScheduled(all));
    assertThat(await(s.claimDue(T0 + 120_000, 100, 60_000))).isEmpty();
  }

  /** Users and ids made to fool a key built by joining them: separators, digits that look like a length, repeats. */
  protected static List<String> trickyParts() {
    return List.of("a", "b", "@", "a@", "@a", "a@b", "b@c", "c", "1", "1:", ":1", "1:a", "2:a@", "a|b", "|", "1:a|",
        "0", "00", " ", "", "\u00e9@", "a@b@c", "x:y:z");
  }

  private ScheduledMessage scheduledFor(String user, String id, long deliverAt) {
    String payload = new io.vertx.core.json.JsonObject().put("u", user).put("id", id).encode();
    return new ScheduledMessage(new NewMessage(id, user, T0, 60, payload, List.of()), deliverAt);
  }

  // --- routes ---

  @Test
  void joinWritesTheRouteAndReadsTheFirstPage() throws Exception {
    Store s = store(10);
    await(s.accept(msg("j", "m1", "{}")));
    await(s.accept(msg("j", "m2", "{}")));
    Route route = new Route("j", "n1", "c1", "pc", 7);
    InboxPage page = await(s.join(route, 60_000, 1, 10, 1 << 20));
    assertThat(seqs(page)).containsExactly(2L);
    assertThat(page.lastSeq()).isEqualTo(2);
    assertThat(await(s.routes("j"))).containsExactly(route);
  }

  @Test
  void anEventLoopsViewAnswersLikeTheStore() throws Exception {
    Store s = store(10);
    await(s.accept(msg("v", "m1", "{}")));
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.core.Context ctx = vertx.getOrCreateContext();
      io.vertx.core.Promise<InboxPage> joined = io.vertx.core.Promise.promise();
      ctx.runOnContext(v -> {
        Store loop = s.onLoop(ctx);
        loop.join(new Route("v", "n1", "c1", "pc", 1), 60_000, 0, 10, 1 << 20)
            .compose(page -> loop.ack("v", "c1", page.lastSeq()).map(page))
            .onComplete(joined);
      });
      assertThat(seqs(await(joined.future()))).containsExactly(1L);
      assertThat(await(s.cursor("v", "c1"))).isEqualTo(1);
      assertThat(await(s.routes("v"))).extracting(Route::clientId).containsExactly("c1");
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void routesExpireUnlessRefreshed() throws Exception {
    Store s = store(100);
    Route r1 = new Route("u1", "nodeA", "c1", "pc", T0);
    Route r2 = new Route("u1", "nodeB", "c2", "mobile", T0);
    Route other = new Route("u2", "nodeA", "c9", "web", T0);
    await(s.putRoutes(List.of(r1, r2, other), 1_000));
    assertThat(await(s.routes("u1"))).containsExactlyInAnyOrder(r1, r2);
    clock.advance(600);
    await(s.putRoutes(List.of(r1), 1_000));
    clock.advance(399);
    assertThat(await(s.routes("u1"))).containsExactlyInAnyOrder(r1, r2);
    clock.advance(1);  // r2 and other reach T0+1000
    assertThat(await(s.routes("u1"))).containsExactly(r1);
    assertThat(await(s.routes("u2"))).isEmpty();
    clock.advance(600);
    assertThat(await(s.routes("u1"))).isEmpty();
    assertThat(await(s.routes("nobody"))).isEmpty();
  }

  @Test
  void putReplacesTheSameClientsEntryAndRemoveTakesOnlyTheEntryItsConnectionWrote() throws Exception {
    Store s = store(100);
    Route first = new Route("u1", "nodeA", "c1", "pc", T0);
    await(s.putRoutes(List.of(first), 10_000));
    Route moved = new Route("u1", "nodeA", "c1", "web", T0 + 5);  // c1 reconnected to the same node
    Route second = new Route("u1", "nodeA", "c2", "pos", T0);
    await(s.putRoutes(List.of(moved, second), 10_000));
    assertThat(await(s.routes("u1"))).containsExactlyInAnyOrder(moved, second);
    // The first connection's close, arriving after the reconnect's write: the newer entry stays.
    await(s.removeRoutes(List.of(first)));
    assertThat(await(s.routes("u1"))).containsExactlyInAnyOrder(moved, second);
    await(s.removeRoutes(List.of(new Route("u1", "nodeB", "c2", "pos", T0))));  // other node: no match
    assertThat(await(s.routes("u1"))).containsExactlyInAnyOrder(moved, second);
    await(s.removeRoutes(List.of(moved, second, new Route("nobody", "n", "c", "d", 0))));
    assertThat(await(s.routes("u1"))).isEmpty();
  }
}
