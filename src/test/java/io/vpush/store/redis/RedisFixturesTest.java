package io.vpush.store.redis;

import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisCluster;
import io.vpush.testing.RedisServer;
import org.junit.jupiter.api.Test;

import io.vpush.testing.RedisSentinels;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis test fixtures themselves: a standalone server that can be paused, killed and restarted from its AOF, a
 * replica, three sentinels that fail over, and a three-master cluster.
 */
@NeedsRedis
class RedisFixturesTest {

  @Test
  void serverAnswersPausesAndResumes() throws IOException {
    try (RedisServer r = RedisServer.start()) {
      assertThat(r.call("SET", "k", "v")).isEqualTo("OK");
      r.pause();
      assertThatThrownBy(() -> r.call("GET", "k")).isInstanceOf(SocketTimeoutException.class);
      r.resume();
      assertThat(r.call("GET", "k")).isEqualTo("v");
      r.flush();
      assertThat(r.call("GET", "k")).isNull();
    }
  }

  @Test
  void clusterHasThreeMastersCoveringAllSlots() throws IOException {
    try (RedisCluster c = RedisCluster.start()) {
      System.out.println("redis cluster fixture started in " + c.startMillis() + " ms");
      assertThat(c.urls()).hasSize(3);
      for (RedisServer n : c.nodes()) {
        String info = n.call("CLUSTER", "INFO");
        assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:3");
      }
    }
  }

  @Test
  void aofServerKeepsWhatItAcknowledgedAcrossAKill() throws IOException {
    try (RedisServer r = RedisServer.startAof()) {
      assertThat(r.call("CONFIG", "GET", "appendfsync")).isEqualTo("appendfsync\nalways");
      for (int i = 0; i < 100; i++) r.call("RPUSH", "list", "v" + i);
      long pid = r.pid();
      r.kill();
      assertThat(r.isAlive()).isFalse();
      r.restart();
      assertThat(r.pid()).isNotEqualTo(pid);
      assertThat(r.call("LLEN", "list")).isEqualTo("100");
    }
  }

  @Test
  void killedServerWithoutAofRestartsEmpty() throws IOException {
    try (RedisServer r = RedisServer.start()) {
      r.call("SET", "k", "v");
      r.kill();
      r.restart();
      assertThat(r.call("GET", "k")).isNull();
    }
  }

  @Test
  void sentinelsPromoteTheReplicaWhenTheMasterIsKilled() throws IOException {
    try (RedisServer master = RedisServer.start();
         RedisServer replica = RedisServer.startReplicaOf(master.port())) {
      master.awaitConnectedReplicas(1, Duration.ofSeconds(10));
      master.call("SET", "k", "v");
      assertThat(master.call("WAIT", "1", "5000")).isEqualTo("1");
      try (RedisSentinels sentinels = RedisSentinels.start(master, "fixture")) {
        assertThat(sentinels.urls()).hasSize(3);
        assertThat(sentinels.masterPort()).isEqualTo(master.port());
        long killedAt = System.nanoTime();
        master.kill();
        int promoted = sentinels.awaitFailover(master.port(), Duration.ofSeconds(30));
        System.out.printf("sentinel failover in %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
        assertThat(promoted).isEqualTo(replica.port());
        assertThat(replica.info("replication")).contains("role:master");
        assertThat(replica.call("GET", "k")).isEqualTo("v");
      }
    }
  }
}
