package io.vpush.dispatch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vpush.time.Clock;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The dispatcher's L1: user -> the node ids holding the user's connections, bounded in size and expiring.
 *
 * <p>Freshness rules (see {@link ClusterDispatcher} for why they are enough):
 * <ul>
 *   <li>"no route" is never cached: an offline user costs a store read per message, but a user who connects
 *       is seen by the very next dispatch;</li>
 *   <li>{@link #hold(String)} (a register somewhere in the cluster) drops the entry and keeps the user uncached for
 *       one TTL, so a route read that raced with the register cannot be cached afterwards;</li>
 *   <li>a read result is cached only if no hold for that user's stripe happened since the read began
 *       ({@link #stamp(String)} / {@link #put(String, String[], long)}).</li>
 * </ul>
 *
 * <p>Memory: node ids are interned and a single-node route is one shared array per node id, and the key is a 64-bit
 * hash of the user id (a boxed {@code Long}, 16 bytes) rather than the id itself (a String of 50-70 bytes that the
 * cache would otherwise keep alive), so an entry costs the boxed key plus Caffeine's entry (measured in
 * {@code RouteCacheTest} and by the bench's cluster scenario). Two users whose ids hash alike (about one chance in
 * 10^10 with 100,000 entries) share an entry: a message for one is sent to the other's nodes, which answer "gone"
 * unless they hold the user too, and the dispatcher then re-reads the store, so a collision costs a round trip, not
 * a message. Thread-safe.
 */
public final class RouteCache {

  private static final String[] HELD = new String[0];
  private static final int STRIPES = 1024;

  private final Cache<Long, String[]> cache;
  private final ConcurrentHashMap<String, String[]> singles = new ConcurrentHashMap<>();
  private final AtomicLongArray holds = new AtomicLongArray(STRIPES);
  private final boolean enabled;

  /**
   * @param maxEntries {@code route.cacheSize}; 0 turns the cache off (every dispatch reads the store)
   * @param ttlMs      {@code route.cacheTtlMs}; 0 turns the cache off
   */
  public RouteCache(int maxEntries, long ttlMs, Clock clock) {
    this.enabled = maxEntries > 0 && ttlMs > 0;
    this.cache = Caffeine.newBuilder()
        .maximumSize(Math.max(1, maxEntries))
        .expireAfterWrite(Math.max(1, ttlMs), TimeUnit.MILLISECONDS)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.nowMs()))
        .executor(Runnable::run)
        .build();
  }

  /** The cached node ids of a user, or null when the store must be read. */
  public String[] get(String user) {
    if (!enabled) return null;
    String[] nodes = cache.getIfPresent(key(user));
    return nodes == null || nodes == HELD ? null : nodes;
  }

  /** A stamp to pass to {@link #put} for a store read that begins now. */
  public long stamp(String user) {
    return holds.get(stripe(user));
  }

  /** Caches a non-empty route read that began at {@code stamp}, unless the user was held since. */
  public void put(String user, String[] nodes, long stamp) {
    if (!enabled || nodes.length == 0) return;
    String[] value = nodes.length == 1 ? singles.computeIfAbsent(nodes[0], n -> new String[] {n.intern()}) : internAll(nodes);
    int stripe = stripe(user);
    cache.asMap().compute(key(user), (u, old) -> old == HELD || holds.get(stripe) != stamp ? old : value);
  }

  /** Forgets a user's entry (a node answered "gone", or a node left). */
  public void invalidate(String user) {
    cache.invalidate(key(user));
  }

  /** A user registered somewhere: forget the entry and do not cache the user for one TTL. */
  public void hold(String user) {
    holds.incrementAndGet(stripe(user));
    if (enabled) cache.put(key(user), HELD);
  }

  /** {@link #hold} for several users. */
  public void holdAll(Collection<String> users) {
    for (String u : users) hold(u);
  }

  /** Entries now held (including holds); an estimate. */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private static String[] internAll(String[] nodes) {
    String[] out = new String[nodes.length];
    for (int i = 0; i < nodes.length; i++) out[i] = nodes[i].intern();
    return out;
  }

  /** A 64-bit FNV-1a over the id's chars with a final avalanche (so nearby ids spread over the whole range). */
  static long key(String user) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < user.length(); i++) h = (h ^ user.charAt(i)) * 0x100000001b3L;
    h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
    h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  private static int stripe(String user) {
    return (user.hashCode() & 0x7fffffff) % STRIPES;
  }
}
