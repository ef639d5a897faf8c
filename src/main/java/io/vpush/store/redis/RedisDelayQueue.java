package io.vpush.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vpush.store.ScheduledMessage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The global delay queue in Redis: {@code {delay}:due} (zset id by due time, or by lease end once claimed)
 * and {@code {delay}:msg} (id -> JSON); one hash tag, so it lives on one cluster slot.
 */
final class RedisDelayQueue {

  static final LuaScript SCHEDULE = LuaScript.load("schedule.lua");
  static final LuaScript CLAIM = LuaScript.load("claim.lua");

  private final RedisLanes lanes;

  RedisDelayQueue(RedisLanes lanes) {
    this.lanes = lanes;
  }

  Future<Void> schedule(ScheduledMessage message) {
    return SCHEDULE.run(lanes, new LuaScript.Call(List.of(RedisKeys.DELAY_DUE, RedisKeys.DELAY_MSG),
        List.of(message.id(), Long.toString(message.deliverAt()), RedisCodec.scheduled(message)))).mapEmpty();
  }

  /** One script moves the due items to their lease end, so concurrent claimers on any node never share one. */
  Future<List<ScheduledMessage>> claimDue(long now, int max, long leaseMs) {
    if (max < 1) return Future.succeededFuture(List.of());
    return CLAIM.run(lanes, new LuaScript.Call(List.of(RedisKeys.DELAY_DUE, RedisKeys.DELAY_MSG),
        List.of(Long.toString(now), Integer.toString(max), Long.toString(now + leaseMs)))).map(r -> {
          List<ScheduledMessage> out = new ArrayList<>(r.size());
          for (Response item : r) out.add(RedisCodec.scheduled(item.toString()));
          return out;
        });
  }

  Future<Void> complete(Collection<ScheduledMessage> done) {
    if (done.isEmpty()) return Future.succeededFuture();
    Request zrem = Request.cmd(Command.ZREM).arg(RedisKeys.DELAY_DUE);
    Request hdel = Request.cmd(Command.HDEL).arg(RedisKeys.DELAY_MSG);
    for (ScheduledMessage m : done) {
      zrem.arg(m.id());
      hdel.arg(m.id());
    }
    return lanes.sendAll(List.of(zrem, hdel)).mapEmpty();
  }
}
