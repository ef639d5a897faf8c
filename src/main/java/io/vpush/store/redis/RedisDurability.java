package io.vpush.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vpush.store.UnconfirmedWriteException;

import java.util.Locale;

/**
 * What an accepted write must have reached before the store answers it ({@code store.durability}): the master's
 * memory, the master's disk (checked once at start: Redis fsyncs every write itself), or {@code replicas} replicas
 * (one {@code WAIT} after each accept batch, on the connection that wrote it).
 *
 * @param level     the level
 * @param replicas  {@code REPLICATED}: replicas that must confirm
 * @param timeoutMs {@code REPLICATED}: how long WAIT waits for them
 */
public record RedisDurability(Level level, int replicas, long timeoutMs) {

  /** The levels, weakest first. */
  public enum Level { MEMORY, FSYNC, REPLICATED }

  /** Today's behaviour: an accept is answered once Redis answered it. */
  public static final RedisDurability MEMORY = new RedisDurability(Level.MEMORY, 0, 0);

  /** The level named by a {@code store.durability} value. */
  public static RedisDurability of(String level, int replicas, long timeoutMs) {
    return new RedisDurability(Level.valueOf(level.toUpperCase(Locale.ROOT)), replicas, timeoutMs);
  }

  /** The setting's value for this level. */
  public String value() {
    return level.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Why Redis as found cannot give this level at all, or null: {@code fsync} needs {@code appendonly yes} and
   * {@code appendfsync always}. A replicated level is not refused for missing replicas, which may come later: the
   * readiness check reports them ({@link #unmet}).
   */
  public String refusal(RedisPersistence found) {
    if (level != Level.FSYNC || found.fsyncsEveryWrite()) return null;
    if (found.appendonly() == null) {
      return "fsync needs Redis with appendonly yes and appendfsync always, and CONFIG GET is refused by this Redis, so "
          + "vpush cannot check them; allow CONFIG GET for vpush's user, or choose memory";
    }
    return "fsync needs Redis with appendonly yes and appendfsync always; Redis has appendonly " + found.appendonly()
        + " and appendfsync " + found.appendfsync() + " (set both in redis.conf, or CONFIG SET appendonly yes then "
        + "CONFIG SET appendfsync always and CONFIG REWRITE)";
  }

  /** Why this level cannot be met now (fewer replicas online than it needs), or null. */
  public String unmet(RedisPersistence found) {
    if (level != Level.REPLICATED || found.onlineReplicas() >= replicas) return null;
    return found.onlineReplicas() + " of the " + replicas + " replicas store.durability=replicated needs are online";
  }

  /** Whether accepts wait for replicas after they are written: only then must they hold their connection. */
  boolean waits() {
    return level == Level.REPLICATED;
  }

  /**
   * After writes sent through {@code via}: completes when they are as durable as this level asks, or fails as
   * unavailable when fewer replicas than {@link #replicas} confirmed within {@link #timeoutMs}. WAIT counts every
   * write that connection sent before it, so one WAIT covers a whole pipelined batch.
   */
  Future<Void> confirm(RedisCommands via) {
    if (!waits()) return Future.succeededFuture();
    return via.send(Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMs)).compose(r -> {
      long confirmed = r.toLong();
      if (confirmed >= replicas) return Future.succeededFuture();
      return Future.failedFuture(new UnconfirmedWriteException("only " + confirmed + " of " + replicas
          + " replicas confirmed the write within " + timeoutMs + " ms (store.durability=replicated); it may still be "
          + "delivered: retry with the same id"));
    });
  }
}
