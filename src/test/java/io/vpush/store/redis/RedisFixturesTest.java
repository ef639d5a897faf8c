package io.vpush.store.redis;

import io.vpush.testing.NeedsRedis;
import io.vpush.testing.RedisCluster;
import io.vpush.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Redis test fixtures themselves: a standalone server that can be paused, and a three-master cluster. */
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
}
