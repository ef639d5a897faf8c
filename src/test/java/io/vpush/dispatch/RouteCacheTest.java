package io.vpush.dispatch;

import io.vpush.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import static org.assertj.core.api.Assertions.assertThat;

class RouteCacheTest {

  private final ManualClock clock = new ManualClock(1_000_000);

  @Test
  void cachesNonEmptyRoutesUntilTheTtl() {
    RouteCache cache = new RouteCache(100, 5_000, clock);
    cache.put("u1", new String[] {"n1"}, cache.stamp("u1"));
    assertThat(cache.get("u1")).containsExactly("n1");
    clock.advance(4_999);
    assertThat(cache.get("u1")).containsExactly("n1");
    clock.advance(2);
    assertThat(cache.get("u1")).isNull();
  }

  @Test
  void neverCachesNoRoute() {
    RouteCache cache = new RouteCache(100, 5_000, clock);
    cache.put("u1", new String[0], cache.stamp("u1"));
    assertThat(cache.get("u1")).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void isBoundedInSize() {
    RouteCache cache = new RouteCache(1_000, 60_000, clock);
    for (int i = 0; i < 10_000; i++) cache.put("user-" + i, new String[] {"n1"}, cache.stamp("user-" + i));
    assertThat(cache.size()).isLessThanOrEqualTo(1_000);
  }

  @Test
  void aHoldDropsTheEntryAndRefusesRacingReadsForOneTtl() {
    RouteCache cache = new RouteCache(100, 5_000, clock);
    cache.put("u1", new String[] {"n1"}, cache.stamp("u1"));
    long before = cache.stamp("u1");   // a store read that began before the register
    cache.hold("u1");
    assertThat(cache.get("u1")).isNull();
    cache.put("u1", new String[] {"n1"}, before);
    assertThat(cache.get("u1")).isNull();
    cache.put("u1", new String[] {"n1", "n2"}, cache.stamp("u1"));   // a read after the hold, still within the hold
    assertThat(cache.get("u1")).isNull();
    clock.advance(5_001);
    cache.put("u1", new String[] {"n1", "n2"}, cache.stamp("u1"));
    assertThat(cache.get("u1")).containsExactly("n1", "n2");
  }

  @Test
  void invalidateForgets() {
    RouteCache cache = new RouteCache(100, 5_000, clock);
    cache.put("u1", new String[] {"n1"}, cache.stamp("u1"));
    cache.invalidate("u1");
    assertThat(cache.get("u1")).isNull();
  }

  @Test
  void sizeZeroTurnsTheCacheOff() {
    RouteCache cache = new RouteCache(0, 5_000, clock);
    cache.put("u1", new String[] {"n1"}, cache.stamp("u1"));
    assertThat(cache.get("u1")).isNull();
  }

  @Test
  void keysOfManySimilarIdsDoNotCollide() {
    java.util.Set<Long> keys = new java.util.HashSet<>();
    for (int i = 0; i < 1_000_000; i++) keys.add(RouteCache.key("user-" + i));
    assertThat(keys).hasSize(1_000_000);
    assertThat(RouteCache.key("ab")).isNotEqualTo(RouteCache.key("ba"));
  }

  /** Heap per entry for 100,000 users on one remote node; printed, bounded loosely (GC noise), target < 200 bytes. */
  @Test
  void bytesPerEntry() {
    int n = 100_000;
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    String[] users = new String[n];
    for (int i = 0; i < n; i++) users[i] = "user-" + (1_000_000 + i);
    long before = usedAfterGc(mem);
    RouteCache cache = new RouteCache(n, 60_000, clock);
    for (String u : users) cache.put(u, new String[] {"node-a1b2c3d4"}, cache.stamp(u));
    long after = usedAfterGc(mem);
    long perEntry = (after - before) / n;
    // The user id strings exist before and after (the test holds them): this is the cache's own cost, and as the cache
    // keeps no id string alive it is also its cost in the server, where a message's id is garbage once dispatched.
    System.out.println("RouteCache: " + perEntry + " bytes of heap per entry (" + cache.size() + " entries)");
    assertThat(cache.size()).isEqualTo(n);
    assertThat(perEntry).isLessThan(200);
  }

  private static long usedAfterGc(MemoryMXBean mem) {
    for (int i = 0; i < 3; i++) System.gc();
    return mem.getHeapMemoryUsage().getUsed();
  }
}
