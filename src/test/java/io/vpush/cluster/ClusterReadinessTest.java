package io.vpush.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vpush.config.Setting;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code cluster} readiness check on a real one-member Hazelcast cluster: DOWN before the registry lists the node, UP after, DOWN once Hazelcast is gone. */
class ClusterReadinessTest {

  @Test
  void upWhileAMemberListedInTheRegistryDownOtherwise() throws Exception {
    VPushConfig config = VPushConfig.defaults().with(Map.<Setting<?>, Object>of(Settings.STORE, "redis"), "test");
    Vertx vertx = ClusterBootstrap.start(new VertxOptions(), config, TestClusterConfig.create(1).member(0)).await(60, TimeUnit.SECONDS);
    try {
      NodeRegistry registry = new NodeRegistry(vertx, "ready-node",
          () -> new JsonObject().put("roles", new JsonArray().add("access")), 1_000);
      ClusterReadiness readiness = new ClusterReadiness(vertx, registry, "ready-node");

      Status before = readiness.status();
      assertThat(before.isOk()).isFalse();
      assertThat(before.getData().getString("error")).contains("registry");

      vertx.deployVerticle(registry).await(10, TimeUnit.SECONDS);
      Status up = readiness.status();
      assertThat(up.isOk()).as(up.toJson().encode()).isTrue();
      assertThat(up.getData().getInteger("members")).isEqualTo(1);

      ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance().getLifecycleService().terminate();
      Status gone = readiness.status();
      assertThat(gone.isOk()).as(gone.toJson().encode()).isFalse();
    } finally {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Hazelcast was terminated under Vert.x on purpose; leaving the cluster may fail.
      }
    }
  }
}
