package io.vpush.store.redis;

/**
 * Key names. Every key of one user carries the hash tag {@code {u:<userId>}} so a user's keys share a
 * Redis Cluster slot (one Lua step may touch them all); the global delay queue uses the tag {@code {delay}}.
 * {@code inbox.lua} builds a user's names from the user id itself ({@code userKeys}): keep the two in step.
 */
final class RedisKeys {

  /** The delay queue: zset key by due time (lease end once claimed), keys {@link io.vpush.store.ScheduledMessage#key}. */
  static final String DELAY_DUE = "{delay}:due2";
  /** The delay queue's messages: hash key -> JSON. */
  static final String DELAY_MSG = "{delay}:msg2";
  /**
   * The delay queue as written before the hostile-input fixes (keys {@code id@user}, which two pairs could share): only drained
   * (claim.lua releases its entries, complete.lua removes them), never written.
   */
  static final String LEGACY_DELAY_DUE = "{delay}:due";
  static final String LEGACY_DELAY_MSG = "{delay}:msg";

  /** An entry's key in the legacy delay queue. */
  static String legacyDelayKey(String user, String id) { return id + "@" + user; }

  private RedisKeys() {}

  static String meta(String user) { return tag(user) + ":meta"; }

  static String inbox(String user) { return tag(user) + ":inbox"; }

  static String expiry(String user) { return tag(user) + ":exp"; }

  static String ids(String user) { return tag(user) + ":ids"; }

  /** A zset: member clientId, score the client's cumulative ack (ack.lua moves it forward only, with ZADD GT). */
  static String cursors(String user) { return tag(user) + ":acks"; }

  static String routes(String user) { return tag(user) + ":routes"; }

  private static String tag(String user) {
    return "{u:" + user + "}";
  }
}
