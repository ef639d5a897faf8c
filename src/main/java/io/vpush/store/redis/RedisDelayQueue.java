package io.vpush.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import io.vpush.store.ScheduledMessage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The global delay queue in Redis: {@code {delay}:due2} (zset key by due time, or by lease end once claimed)
 * and {@code {delay}:msg2} (key -> JSON), keyed by {@link ScheduledMessage#id()}; one hash tag, so it lives on one
 * cluster slot. The queue written before the hostile-input fixes ({@code {delay}:due}, {@code {delay}:msg}, keys {@code id@user}) is
 * still claimed and completed, so what it held when a node was upgraded is released.
 */
final class RedisDelayQueue {

  static final LuaScript SCHEDULE = LuaScript.load("schedule.lua");
  static final LuaScript CLAIM = LuaScript.load("claim.lua");
  static final LuaScript COMPLETE = LuaScript.load("complete.lua");
  private static final List<String> KEYS =
      List.of(RedisKeys.DELAY_DUE, RedisKeys.DELAY_MSG, RedisKeys.LEGACY_DELAY_DUE, RedisKeys.LEGACY_DELAY_MSG);

  private final RedisLanes lanes;
  private final RedisDurability durability;

  RedisDelayQueue(RedisLanes lanes, RedisDurability durability) {
    this.lanes = lanes;
    this.durability = durability;
  }

  Future<Void> schedule(ScheduledMessage message) {
    String user = message.message().user();
    String id = message.message().id();
    // A scheduled message is answered 202 like an accepted one, so it is as durable; claims and completions are not
    // waited for: a claim lost in a failover is claimed again after its lease, and its release is deduplicated by id.
    RedisCommands via = durability.waits() ? lanes.current() : lanes;
    return SCHEDULE.run(via, new LuaScript.Call(List.of(RedisKeys.DELAY_DUE, RedisKeys.DELAY_MSG, RedisKeys.LEGACY_DELAY_MSG),
        List.of(message.id(), Long.toString(message.deliverAt()), RedisCodec.scheduled(message),
            RedisKeys.legacyDelayKey(user, id), user, id))).compose(r -> durability.confirm(via));
  }

  /** One script moves the due items to their lease end, so concurrent claimers on any node never share one. */
  Future<List<ScheduledMessage>> claimDue(long now, int max, long leaseMs) {
    if (max < 1) return Future.succeededFuture(List.of());
    return CLAIM.run(lanes, new LuaScript.Call(KEYS,
        List.of(Long.toString(now), Integer.toString(max), Long.toString(now + leaseMs)))).map(r -> {
          List<ScheduledMessage> out = new ArrayList<>(r.size());
          for (Response item : r) out.add(RedisCodec.scheduled(item.toString()));
          return out;
        });
  }

  Future<Void> complete(Collection<ScheduledMessage> done) {
    if (done.isEmpty()) return Future.succeededFuture();
    List<String> args = new ArrayList<>(4 * done.size());
    for (ScheduledMessage m : done) {
      args.add(m.id());
      args.add(RedisKeys.legacyDelayKey(m.message().user(), m.message().id()));
      args.add(m.message().user());
      args.add(m.message().id());
    }
    return COMPLETE.run(lanes, new LuaScript.Call(KEYS, args)).mapEmpty();
  }
}
