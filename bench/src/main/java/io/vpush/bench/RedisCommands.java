package io.vpush.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** Reads {@code total_commands_processed} from {@code INFO stats}, to give Redis commands per delivered message. */
final class RedisCommands {
  private RedisCommands() {}

  /** Commands processed so far by the server at {@code url} (this INFO call included); empty if unreachable. */
  static OptionalLong total(Vertx vertx, String url) {
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url));
    try {
      String info = client.send(Request.cmd(Command.INFO).arg("stats")).map(Object::toString)
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      return parse(info);
    } catch (Exception e) {
      return OptionalLong.empty();
    } finally {
      client.close();
    }
  }

  /** Calls per command from {@code INFO commandstats} ({@code cmdstat_evalsha:calls=12,...}); empty if unreachable. */
  static java.util.Map<String, Long> perCommand(Vertx vertx, String url) {
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url));
    try {
      return parseCommandStats(client.send(Request.cmd(Command.INFO).arg("commandstats")).map(Object::toString)
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    } catch (Exception e) {
      return java.util.Map.of();
    } finally {
      client.close();
    }
  }

  static java.util.Map<String, Long> parseCommandStats(String info) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (String line : info.split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) continue;
      int colon = line.indexOf(':');
      int calls = line.indexOf("calls=", colon);
      if (colon < 0 || calls < 0) continue;
      int end = line.indexOf(',', calls);
      out.put(line.substring(8, colon), Long.parseLong(line.substring(calls + 6, end < 0 ? line.length() : end)));
    }
    return out;
  }

  static OptionalLong parse(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("total_commands_processed:")) {
        return OptionalLong.of(Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
      }
    }
    return OptionalLong.empty();
  }
}
