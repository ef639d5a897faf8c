package io.vpush.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/** Where commands go: the lane of the caller ({@link RedisLanes}) or one fixed lane ({@link RedisLanes#pinned}). */
interface RedisCommands {

  /** Sends one command. */
  Future<Response> send(Request request);

  /** Sends commands pipelined, answers in order; they reach Redis in that order, after what this sender sent before. */
  Future<List<Response>> sendAll(List<Request> requests);

  /** Whether Redis is a cluster (a pipelined batch must then stay within one slot's master). */
  boolean cluster();
}
