package io.vpush.store.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vpush.store.Accepted;
import io.vpush.store.InboxPage;
import io.vpush.store.NewMessage;
import io.vpush.store.PartialAcceptException;
import io.vpush.store.Store;
import io.vpush.store.StoreContractTest;
import io.vpush.store.StoreUnavailableException;
import io.vpush.store.StoredMessage;
import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisServer;
import io.vpush.time.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Redis engine on a private standalone redis-server, against the store contract plus Redis-only cases. */
@NeedsRedis
class RedisStoreTest extends StoreContractTest {

  private static RedisServer redis;
  private static Vertx vertx;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (vertx != null) await(vertx.close());
    if (redis != null) redis.stop();
  }

  @Override
  protected Store createStore(ManualClock clock, int inboxCap, long ttlSeconds) throws Exception {
    RedisOptions options = new RedisOptions().setType(RedisClientType.STANDALONE).setConnectionString(redis.url());
    return await(RedisStore.connect(vertx, options, 4, 2_000, clock, inboxCap, ttlSeconds));
  }

  @Override
  protected Store peerOf(Store store, ManualClock clock, int inboxCap, long ttlSeconds) throws Exception {
    return createStore(clock, inboxCap, ttlSeconds);
  }

  @Override
  protected void reset() {
    redis.flush();
  }

  private NewMessage msg(String id) {
    return new NewMessage(id, "u1", clock.nowMs(), 0, "{}", List.of());
  }

  @Test
  void acceptKeepsWorkingAfterScriptFlush() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      assertThat(await(s.accept(msg("a"))).message().seq()).isEqualTo(1);
      redis.call("SCRIPT", "FLUSH");
      assertThat(await(s.accept(msg("b"))).message().seq()).isEqualTo(2);
      redis.call("SCRIPT", "FLUSH");
      List<Accepted> batch = await(s.acceptAll(List.of(msg("c"), msg("d"))));
      assertThat(batch).extracting(a -> a.message().seq()).containsExactly(3L, 4L);
      assertThat(batch).noneMatch(Accepted::duplicate);
      redis.call("SCRIPT", "FLUSH");
      assertThat(await(s.read("u1", 0, 10)).messages()).hasSize(4);
      redis.call("SCRIPT", "FLUSH"); // reads of one turn on an event loop: their batch goes again with EVAL
      List<InboxPage> pages = await(onContext(vertx.getOrCreateContext(),
          () -> Future.all(s.read("u1", 0, 10), s.read("u1", 2, 10)).map(all -> all.<InboxPage>list())));
      assertThat(pages).extracting(p -> p.messages().size()).containsExactly(4, 2);
    } finally {
      await(s.close());
    }
  }

  @Test
  void keysOfOneUserShareAHashTagAndGetRealExpiry() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.accept(new NewMessage("a", "u1", clock.nowMs(), 30, "{}", List.of())));
      await(s.accept(new NewMessage("b", "u1", clock.nowMs(), 20, "{}", List.of())));   // before a: an exp entry
      await(s.ack("u1", "c1", 1));
      for (String key : List.of("{u:u1}:meta", "{u:u1}:inbox", "{u:u1}:exp", "{u:u1}:ids", "{u:u1}:acks")) {
        long ttl = Long.parseLong(redis.call("TTL", key));
        assertThat(ttl).as(key).isPositive();
      }
      assertThat(Long.parseLong(redis.call("TTL", "{u:u1}:inbox"))).isBetween(30L, 30L + 86_400);
    } finally {
      await(s.close());
    }
  }

  @Test
  void keyExpiryIsRefreshedOncePerHourNotPerMessage() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.accept(new NewMessage("a", "u1", clock.nowMs(), 60, "{}", List.of())));
      long expires = calls("expire");
      for (int i = 0; i < 5; i++) await(s.accept(new NewMessage("b" + i, "u1", clock.nowMs(), 60, "{}", List.of())));
      assertThat(calls("expire")).as("EXPIRE calls for 5 accepts within the hour").isEqualTo(expires);
      clock.advance(3_600_001);
      await(s.accept(new NewMessage("c", "u1", clock.nowMs(), 60, "{}", List.of())));
      assertThat(calls("expire")).as("one refresh of the 5 keys (cursors too) after an hour").isEqualTo(expires + 5);
    } finally {
      await(s.close());
    }
  }

  @Test
  void anInboxEmptiedByExpiryGetsItsKeyExpiryBackWhenRecreated() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.accept(new NewMessage("a", "u1", clock.nowMs(), 30, "{}", List.of())));
      clock.advance(31_000);
      assertThat(await(s.read("u1", 0, 10)).messages()).isEmpty();   // purged: Redis deletes the emptied keys
      assertThat(redis.call("EXISTS", "{u:u1}:inbox")).isEqualTo("0");
      await(s.accept(new NewMessage("b", "u1", clock.nowMs(), 30, "{}", List.of())));
      for (String key : List.of("{u:u1}:inbox", "{u:u1}:ids")) {
        assertThat(Long.parseLong(redis.call("TTL", key))).as(key).isPositive();
      }
      // The exp zset starts later, with the first message that expires before an earlier one: it expires too.
      await(s.accept(new NewMessage("c", "u1", clock.nowMs(), 10, "{}", List.of())));
      assertThat(Long.parseLong(redis.call("TTL", "{u:u1}:exp"))).isPositive();
    } finally {
      await(s.close());
    }
  }

  /**
   * Issue 21: entries queued before the upgrade sit under {@code id@user} in {@code {delay}:due}/{@code {delay}:msg};
   * they are still released and completed, and completing a new entry whose legacy key is the same (the once
   * colliding pair) leaves the other user's legacy entry alone.
   */
  @Test
  void scheduledEntriesOfTheOldKeyFormatAreStillReleasedAndCompleted() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      io.vpush.store.ScheduledMessage old = new io.vpush.store.ScheduledMessage(
          new NewMessage("a", "b@c", T0, 60, "{\"old\":1}", List.of()), T0 + 100);
      redis.call("HSET", "{delay}:msg", "a@b@c", RedisCodec.scheduled(old));
      redis.call("ZADD", "{delay}:due", Long.toString(T0 + 100), "a@b@c");
      // The pair whose old key was the same is queued anew, and its completion must not take the old entry.
      io.vpush.store.ScheduledMessage clash = new io.vpush.store.ScheduledMessage(
          new NewMessage("a@b", "c", T0, 60, "{\"new\":1}", List.of()), T0 + 50);
      await(s.schedule(clash));
      // Scheduling the old entry's own message again (a publisher's retry across the upgrade) queues nothing new.
      await(s.schedule(old));

      assertThat(await(s.claimDue(T0 + 1_000, 10, 5_000))).containsExactlyInAnyOrder(old, clash);
      await(s.completeScheduled(List.of(clash)));
      assertThat(await(s.claimDue(T0 + 6_000, 10, 5_000))).containsExactly(old);  // lease over, not completed
      await(s.completeScheduled(List.of(old)));
      assertThat(await(s.claimDue(T0 + 100_000, 10, 5_000))).isEmpty();
      assertThat(redis.call("EXISTS", "{delay}:msg", "{delay}:due", "{delay}:msg2", "{delay}:due2")).isEqualTo("0");
    } finally {
      await(s.close());
    }
  }

  @Test
  void acksOfOneEventLoopTurnLeaveAsOneCallAndEachOnlyMovesItsCursorForward() throws Exception {
    Store s = createStore(clock, 200, 60);
    try {
      // Acks are clamped to the user's last seq: give every user more messages than its acks name.
      List<NewMessage> inboxes = new ArrayList<>();
      for (int u = 0; u < 100; u++) {
        for (int i = 0; i < 110; i++) inboxes.add(new NewMessage("m" + i, "u" + u, clock.nowMs(), 0, "{}", List.of()));
      }
      await(s.acceptAll(inboxes));
      await(s.ack("u0", "c0", 50));
      long evals = calls("evalsha");
      io.vertx.core.Context ctx = vertx.getOrCreateContext();
      java.util.concurrent.CompletableFuture<List<Long>> done = new java.util.concurrent.CompletableFuture<>();
      ctx.runOnContext(v -> {
        // The event loop's view batches (a shard's sessions use one).
        Store loop = s.onLoop(ctx);
        List<io.vertx.core.Future<Void>> acks = new java.util.ArrayList<>();
        for (int u = 0; u < 100; u++) acks.add(loop.ack("u" + u, "c" + u, 10 + u));   // u0: 10 < 50, stays at 50
        acks.add(loop.ack("u1", "c1", 5));                                             // behind u1's 11 in the same call
        io.vertx.core.Future.all(acks).onComplete(ar -> done.complete(List.of(ar.succeeded() ? 1L : 0L)));
      });
      assertThat(done.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsExactly(1L);
      assertThat(calls("evalsha") - evals).as("script calls for 101 acks in one turn").isEqualTo(1);
      assertThat(await(s.cursor("u0", "c0"))).isEqualTo(50);
      assertThat(await(s.cursor("u1", "c1"))).isEqualTo(11);
      assertThat(await(s.cursor("u99", "c99"))).isEqualTo(109);
      assertThat(Long.parseLong(redis.call("TTL", "{u:u99}:acks"))).isPositive();
    } finally {
      await(s.close());
    }
  }

  @Test
  void routeWritesOfOneEventLoopGoTogetherInTheOrderTheyWereMade() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      io.vpush.store.Route first = new io.vpush.store.Route("u1", "n1", "c1", "pc", 0);
      io.vpush.store.Route second = new io.vpush.store.Route("u1", "n1", "c2", "pc", 0);
      io.vpush.store.Route secondAgain = new io.vpush.store.Route("u1", "n1", "c2", "pc", 5); // c2 reconnected
      io.vertx.core.Context ctx = vertx.getOrCreateContext();
      java.util.concurrent.CompletableFuture<Boolean> done = new java.util.concurrent.CompletableFuture<>();
      ctx.runOnContext(v -> {
        Store loop = s.onLoop(ctx);
        List<io.vertx.core.Future<Void>> writes = new java.util.ArrayList<>();
        for (int u = 0; u < 300; u++) {
          writes.add(loop.putRoutes(List.of(new io.vpush.store.Route("v" + u, "n1", "c", "pc", 0)), 60_000));
        }
        writes.add(loop.putRoutes(List.of(first), 60_000));    // a register, then its close
        writes.add(loop.removeRoutes(List.of(first)));
        writes.add(loop.putRoutes(List.of(second), 60_000));
        writes.add(loop.removeRoutes(List.of(second)));        // a close, then the same client's register
        writes.add(loop.putRoutes(List.of(secondAgain), 60_000));
        io.vertx.core.Future.all(writes).onComplete(ar -> done.complete(ar.succeeded()));
      });
      assertThat(done.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(await(s.routes("u1"))).containsExactly(secondAgain);
      assertThat(await(s.routes("v299"))).hasSize(1);
    } finally {
      await(s.close());
    }
  }

  @Test
  void aJoinsReadReachesRedisAfterItsRouteWriteThoughOtherWritesStillWait() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.accept(new NewMessage("m1", "joiner", clock.nowMs(), 0, "{}", List.of())));
      // SLOWLOG with a threshold of 0 records every command Redis runs, in the order it ran them.
      redis.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
      redis.call("CONFIG", "SET", "slowlog-max-len", "10000");
      redis.call("SLOWLOG", "RESET");
      io.vpush.store.Route route = new io.vpush.store.Route("joiner", "n1", "c1", "pc", 1);
      io.vertx.core.Context ctx = vertx.getOrCreateContext();
      InboxPage page = await(onContext(ctx, () -> {
        Store loop = s.onLoop(ctx);
        // Route writes of this loop wait for their window; the join's own write must not wait behind the read.
        for (int u = 0; u < 20; u++) loop.putRoutes(List.of(new io.vpush.store.Route("w" + u, "n1", "c", "pc", 1)), 60_000);
        return loop.join(route, 60_000, 0, 10, 64 * 1024);
      }));
      assertThat(page.messages()).extracting(StoredMessage::id).containsExactly("m1");
      String log = redis.call("SLOWLOG", "GET", "10000");
      redis.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
      assertThat(await(s.routes("joiner"))).containsExactly(route);
      // SLOWLOG GET lists the newest first: the read (an EVALSHA on the joiner's keys) must come before the HSET.
      int read = log.indexOf("{u:joiner}:meta");
      int write = log.indexOf("{u:joiner}:routes");
      assertThat(read).as("the join's read is in the log").isNotNegative();
      assertThat(write).as("the join's route write is in the log").isNotNegative();
      assertThat(read).as("newest first: the read ran after the route write").isLessThan(write);
    } finally {
      await(s.close());
    }
  }

  @Test
  void readsOfOneEventLoopTurnLeaveAsOneWriteAndEachGetsItsOwnPage() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      List<NewMessage> sent = new ArrayList<>();
      for (int u = 0; u < 60; u++) {
        for (int k = 0; k <= u % 3; k++) sent.add(new NewMessage("m" + u + "-" + k, "r" + u, clock.nowMs(), 0, "{}", List.of()));
      }
      await(s.acceptAll(sent));
      long readsBefore = statistic("total_reads_processed");
      io.vertx.core.Context ctx = vertx.getOrCreateContext();
      List<InboxPage> pages = await(onContext(ctx, () -> {
        Store loop = s.onLoop(ctx);
        List<Future<InboxPage>> reads = new ArrayList<>();
        for (int u = 0; u < 60; u++) reads.add(loop.read("r" + u, 0, 10, 64 * 1024));
        return Future.all(reads).map(all -> all.<InboxPage>list());
      }));
      // The batch's read and this INFO's, and room for a split write; read by read, a run here made 37.
      assertThat(statistic("total_reads_processed") - readsBefore).as("Redis socket reads for 60 reads in a turn").isLessThanOrEqualTo(4);
      for (int u = 0; u < 60; u++) {
        String user = "r" + u;
        assertThat(pages.get(u).messages()).as(user).extracting(StoredMessage::user).containsOnly(user).hasSize(u % 3 + 1);
        assertThat(pages.get(u).lastSeq()).as(user).isEqualTo(u % 3 + 1);
      }
    } finally {
      await(s.close());
    }
  }

  @Test
  void readsFromSeveralContextsOfOneEventLoopAreEachAnsweredOnTheirOwnContext() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.acceptAll(List.of(new NewMessage("a", "c1", clock.nowMs(), 0, "{}", List.of()),
          new NewMessage("b", "c2", clock.nowMs(), 0, "{}", List.of()))));
      // Sessions each have a context of their own (a duplicate of their event loop's); the batcher is per loop.
      ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
      ContextInternal first = loop.duplicate();
      ContextInternal second = loop.duplicate();
      Promise<Void> done = Promise.promise();
      loop.runOnContext(v -> {
        Future<InboxPage> one = onContext(first, () -> s.read("c1", 0, 10));
        Future<InboxPage> two = onContext(second, () -> s.read("c2", 0, 10));
        Future.all(one, two).<Void>mapEmpty().onComplete(done);
      });
      await(done.future());
    } finally {
      await(s.close());
    }
  }

  @Test
  void aReadAnsweredWithAnErrorInABatchFailsAloneAndTheOthersGetTheirPages() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.acceptAll(List.of(new NewMessage("a", "ok1", clock.nowMs(), 0, "{}", List.of()),
          new NewMessage("b", "ok2", clock.nowMs(), 0, "{}", List.of()))));
      redis.call("SET", "{u:broken}:meta", "not a hash"); // WRONGTYPE inside the script
      List<String> outcomes = await(onContext(vertx.getOrCreateContext(), () -> {
        List<Future<String>> reads = new ArrayList<>();
        for (String user : List.of("ok1", "broken", "ok2")) {
          reads.add(s.read(user, 0, 10, 64 * 1024).transform(ar -> Future.succeededFuture(
              ar.succeeded() ? user + ":" + ar.result().messages().size() : user + ":" + ar.cause().getMessage())));
        }
        return Future.all(reads).map(all -> all.<String>list());
      }));
      assertThat(outcomes.get(0)).isEqualTo("ok1:1");
      assertThat(outcomes.get(1)).startsWith("broken:").contains("WRONGTYPE");
      assertThat(outcomes.get(2)).isEqualTo("ok2:1");
    } finally {
      await(s.close());
    }
  }

  @Test
  void aUserWithUnusableKeysIsRefusedAloneInASharedAcceptAndTheOthersAreAccepted() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      redis.call("SET", "{u:broken}:meta", "not a hash"); // WRONGTYPE inside the script
      List<NewMessage> batch = List.of(new NewMessage("a", "ok1", clock.nowMs(), 0, "{}", List.of()),
          new NewMessage("b", "broken", clock.nowMs(), 0, "{}", List.of()),
          new NewMessage("c", "ok2", clock.nowMs(), 0, "{}", List.of()),
          new NewMessage("d", "ok1", clock.nowMs(), 0, "{}", List.of()));
      Throwable failure = await(s.acceptAll(batch).transform(ar -> Future.succeededFuture(ar.cause())));

      assertThat(failure).isInstanceOf(PartialAcceptException.class).hasMessageContaining("broken")
          .hasMessageContaining("WRONGTYPE");
      PartialAcceptException partial = (PartialAcceptException) failure;
      assertThat(partial.accepted()).extracting(a -> a == null ? null : a.message().id() + "@" + a.message().seq())
          .containsExactly("a@1", null, "c@1", "d@2");
      assertThat(partial.allAccepted(2, 2)).isTrue();
      assertThat(partial.allAccepted(1, 2)).isFalse();
      assertThat(await(s.read("ok1", 0, 10)).messages()).extracting(StoredMessage::id).containsExactly("a", "d");
      assertThat(await(s.read("ok2", 0, 10)).messages()).extracting(StoredMessage::id).containsExactly("c");
      // Alone, the same user fails as unavailable, naming itself.
      assertThatThrownBy(() -> await(s.accept(batch.get(1))))
          .hasRootCauseInstanceOf(StoreUnavailableException.class).hasMessageContaining("broken");
    } finally {
      await(s.close());
    }
  }

  private long statistic(String name) throws java.io.IOException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + ":(\\d+)").matcher(redis.call("INFO", "stats"));
    if (!m.find()) throw new AssertionError(name + " is not in INFO stats");
    return Long.parseLong(m.group(1));
  }

  @Test
  void anAckSetsTheCursorKeysExpiryOnlyForANewClientAndAcceptsKeepItAlive() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.accept(new NewMessage("a", "u1", clock.nowMs(), 60, "{}", List.of())));
      await(s.ack("u1", "c1", 1));
      assertThat(Long.parseLong(redis.call("TTL", "{u:u1}:acks"))).as("a new cursor key expires").isPositive();
      long expires = calls("expire");
      await(s.accept(new NewMessage("b", "u1", clock.nowMs(), 60, "{}", List.of())));
      await(s.ack("u1", "c1", 2));
      assertThat(calls("expire")).as("EXPIRE calls for a cursor moving forward").isEqualTo(expires);
      redis.call("EXPIRE", "{u:u1}:acks", "100");
      clock.advance(3_600_001);
      await(s.accept(new NewMessage("c", "u1", clock.nowMs(), 60, "{}", List.of())));
      assertThat(Long.parseLong(redis.call("TTL", "{u:u1}:acks"))).as("refreshed with the user's keys")
          .isGreaterThan(RedisStore.META_KEEP_SECONDS - 60);
      assertThat(await(s.cursor("u1", "c1"))).isEqualTo(2);
    } finally {
      await(s.close());
    }
  }

  @Test
  void theInboxCountInMetaSavesAnHlenPerMessageAndIsNeverTrustedForTrimming() throws Exception {
    Store s = createStore(clock, 3, 60);
    try {
      await(s.accept(msg("a")));                                  // first accept: no count yet, the hash is counted
      long hlens = calls("hlen");
      await(s.accept(msg("b")));
      await(s.accept(msg("c")));
      assertThat(calls("hlen")).as("HLEN calls below the cap").isEqualTo(hlens);
      assertThat(redis.call("HGET", "{u:u1}:meta", "n")).isEqualTo("3");
      redis.call("HSET", "{u:u1}:meta", "n", "40");               // a count gone wrong (say, evicted keys)
      await(s.accept(msg("d")));
      assertThat(await(s.read("u1", 0, 10)).messages()).extracting(m -> m.id()).containsExactly("b", "c", "d");
      assertThat(redis.call("HGET", "{u:u1}:meta", "n")).isEqualTo("3");
      clock.advance(61_000);                                      // all expire; a read purges them
      assertThat(await(s.read("u1", 0, 10)).messages()).isEmpty();
      assertThat(redis.call("HGET", "{u:u1}:meta", "n")).isEqualTo("0");
      await(s.accept(msg("e")));
      assertThat(Long.parseLong(redis.call("TTL", "{u:u1}:inbox"))).as("a re-created inbox expires").isPositive();
    } finally {
      await(s.close());
    }
  }

  @Test
  void messagesExpiringInSeqOrderAreLookedForOnlyOnceTheFirstExpiryHasComeAndNeedNoExpiryZset() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.accept(msg("a")));                                  // the first accept learns the bound: meta e
      long hgets = calls("hget");
      long searches = calls("zrangebyscore");
      clock.advance(1_000);
      await(s.accept(msg("b")));
      await(s.read("u1", 0, 10));
      clock.advance(58_999);
      await(s.accept(msg("c")));
      assertThat(calls("hget") - hgets).as("no look at the head before the first expiry").isZero();
      assertThat(redis.call("EXISTS", "{u:u1}:exp")).as("one TTL: every message expires in seq order").isEqualTo("0");
      clock.advance(1);                                           // a expires: the accept finds it at the head
      await(s.accept(msg("d")));
      assertThat(calls("hget") - hgets).isPositive();
      assertThat(calls("zrangebyscore") - searches).as("the exp zset is empty: never searched").isZero();
      assertThat(await(s.read("u1", 0, 10)).messages()).extracting(m -> m.id()).containsExactly("b", "c", "d");
      assertThat(redis.call("HGET", "{u:u1}:meta", "lo")).as("the lowest seq retained").isEqualTo("2");
      assertThat(redis.call("HGET", "{u:u1}:meta", "d")).as("the highest seq dropped").isEqualTo("1");
    } finally {
      await(s.close());
    }
  }

  @Test
  void freshIdsCostNoIndexCommandsAndNoIndexKey() throws Exception {
    Store s = createStore(clock, 2, 60);
    try {
      long claims = calls("hsetnx");
      long deletes = calls("hdel");
      for (String id : List.of("a", "b", "c")) {                    // c trims a
        await(s.accept(new NewMessage(id, "u1", clock.nowMs(), 0, "{}", List.of(), true)));
      }
      assertThat(calls("hsetnx") - claims).as("no claim").isZero();
      assertThat(calls("hdel") - deletes).as("the trim deletes the inbox entry only").isEqualTo(1);
      assertThat(redis.call("EXISTS", "{u:u1}:ids")).isEqualTo("0");
      await(s.accept(msg("d")));                                    // an indexed id: claimed
      assertThat(calls("hsetnx") - claims).isEqualTo(1);
      assertThat(redis.call("HGET", "{u:u1}:ids", "d")).isEqualTo("4");
    } finally {
      await(s.close());
    }
  }

  @Test
  void anInboxWrittenByAnOlderNodeBecomesAHashOnFirstUseAndKeepsItsMessages() throws Exception {
    // The layout before 2026-11-22: the inbox a zset by seq, every message in exp, meta without lo/d/x/o.
    long t = clock.nowMs();
    String expA = Long.toString(t + 30_000);
    String expC = Long.toString(t + 60_000);
    redis.call("HSET", "{u:u1}:meta", "seq", "4", "k", Long.toString(t + 86_400_000), "n", "2", "e", expA);
    redis.call("ZADD", "{u:u1}:inbox", "1", "1:1:a{\"ts\":" + t + ",\"e\":" + expA + ",\"d\":[],\"p\":\"{}\"}",
        "3", "3:1:c{\"ts\":" + t + ",\"e\":" + expC + ",\"d\":[],\"p\":\"{}\"}");
    redis.call("EXPIRE", "{u:u1}:inbox", "90000");
    redis.call("ZADD", "{u:u1}:exp", expA, "1", expC, "3");
    redis.call("HSET", "{u:u1}:ids", "a", "1", "c", "3");
    Store s = createStore(clock, 100, 60);
    try {
      InboxPage page = await(s.read("u1", 0, 10));
      assertThat(page.messages()).extracting(m -> m.id()).containsExactly("a", "c");
      assertThat(page.gap()).as("seqs 2 and 4 were dropped").isTrue();
      assertThat(await(s.read("u1", 3, 10)).gap()).isTrue();
      assertThat(redis.call("TYPE", "{u:u1}:inbox")).isEqualTo("hash");
      assertThat(Long.parseLong(redis.call("TTL", "{u:u1}:inbox"))).as("its expiry kept").isBetween(89_000L, 90_000L);
      assertThat(await(s.accept(msg("a"))).duplicate()).isTrue();
      clock.advance(30_000);                                      // a expires
      assertThat(await(s.accept(msg("e"))).message().seq()).isEqualTo(5);
      assertThat(await(s.read("u1", 0, 10)).messages()).extracting(m -> m.id()).containsExactly("c", "e");
      clock.advance(30_000);
      assertThat(await(s.read("u1", 0, 10)).messages()).extracting(m -> m.id()).containsExactly("e");
    } finally {
      await(s.close());
    }
  }

  /** How many times Redis ran a command so far (INFO commandstats; commands run by scripts count too). */
  private long calls(String command) throws java.io.IOException {
    String stats = redis.call("INFO", "commandstats");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(stats);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void answersArriveOnTheCallersContextEvenWhenTheLaneConnectsFirst() throws Exception {
    // A lane that is not connected yet connects on its own event loop; the answer must still come back on the
    // caller's context (verticle state is not thread-safe).
    RedisLanes lanes = new RedisLanes(vertx, io.vertx.redis.client.Redis.createClient(vertx, redis.url()),
        redis.url(), false, 1, 2_000);
    try {
      io.vertx.core.Context ctx = vertx.getOrCreateContext();
      java.util.concurrent.CompletableFuture<Boolean> sameContext = new java.util.concurrent.CompletableFuture<>();
      ctx.runOnContext(v -> lanes.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PING))
          .onComplete(ar -> sameContext.complete(ar.succeeded() && io.vertx.core.Vertx.currentContext() == ctx)));
      assertThat(sameContext.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      await(lanes.close());
    }
  }

  @Test
  void expiredRouteEntriesAreRemovedFromRedis() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.putRoutes(List.of(new io.vpush.store.Route("u1", "n1", "c1", "pc", 0)), 1_000));
      clock.advance(1_000);
      assertThat(await(s.routes("u1"))).isEmpty();
      assertThat(redis.call("EXISTS", "{u:u1}:routes")).isEqualTo("0");
    } finally {
      await(s.close());
    }
  }

  @Test
  void unreachableRedisFailsAtConnectNamingTheUrl() {
    RedisOptions options = new RedisOptions().setConnectionString("redis://127.0.0.1:1");
    assertThatThrownBy(() -> await(RedisStore.connect(vertx, options, 2, 2_000, clock, 100, 60)))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("redis://127.0.0.1:1");
  }

  @Test
  void anInboxEntryWrittenByAnOlderNodeIsReadAndAnsweredAsADuplicate() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      NewMessage m = new NewMessage("a", "u1", clock.nowMs(), 0, "{\"k\":\"v \\\"q\\\"\"}", List.of("web"));
      await(s.accept(m));
      String member = redis.call("HGET", "{u:u1}:inbox", "1");
      assertThat(member).contains(",\"r\":{\"k\"");
      StoredMessage stored = RedisCodec.inboxMember("u1", member.getBytes(StandardCharsets.UTF_8));
      // What a node built before 2026-11-22 21:00 wrote: the payload as a JSON string under "p".
      String legacy = new JsonObject().put("ts", stored.ts()).put("e", stored.expiresAt())
          .put("d", new JsonArray().add("web")).put("p", m.payload()).encode();
      redis.call("HSET", "{u:u1}:inbox", "1", "1:1:a" + legacy);

      StoredMessage read = await(s.read("u1", 0, 10)).messages().get(0);
      assertThat(read).isEqualTo(stored);
      Accepted again = await(s.accept(m));
      assertThat(again.duplicate()).isTrue();
      assertThat(again.message()).isEqualTo(stored);
    } finally {
      await(s.close());
    }
  }

  @Test
  void aCallFromAnEventLoopIsAnsweredAndTimedOutOnItsContext() throws Exception {
    Store s = createStore(clock, 100, 60);
    Context caller = vertx.getOrCreateContext();
    try {
      assertThat(await(onContext(caller, () -> s.accept(msg("a")))).message().seq()).isEqualTo(1);
      redis.pause();
      try {
        // The timeout of a call made on an event loop is that loop's timer: without it this would wait for the resume.
        assertThatThrownBy(() -> await(onContext(caller, () -> s.accept(msg("b")))))
            .cause().isInstanceOf(StoreUnavailableException.class).hasMessageContaining("no answer in time");
      } finally {
        redis.resume();
      }
    } finally {
      await(s.close());
    }
  }

  /** Makes the call on {@code context} and checks that its answer comes back there. */
  private static <T> Future<T> onContext(Context context, Supplier<Future<T>> call) {
    Promise<T> answer = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(ar -> {
      if (Vertx.currentContext() != context) answer.fail(new AssertionError("answered on " + Vertx.currentContext()));
      else answer.handle(ar);
    }));
    return answer.future();
  }

  @Test
  void pausedRedisFailsAsUnavailableAndRecovers() throws Exception {
    Store s = createStore(clock, 100, 60);
    try {
      await(s.accept(msg("a")));
      redis.pause();
      try {
        assertThatThrownBy(() -> await(s.accept(msg("b"))))
            .cause().isInstanceOf(StoreUnavailableException.class).hasMessageContaining(redis.url());
      } finally {
        redis.resume();
      }
      // The timed-out accept may still have run after the resume; an idempotent retry settles it.
      Accepted b = await(s.accept(msg("b")));
      assertThat(b.message().seq()).isEqualTo(2);
    } finally {
      await(s.close());
    }
  }
}
