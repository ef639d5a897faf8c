package io.vpush.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vpush.config.ConfigException;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts a clustered Vert.x for {@code -cluster}: Hazelcast configured from {@code cluster.xml}, the event bus on
 * {@code cluster.host}/{@code cluster.port}.
 */
public final class ClusterBootstrap {

  /** Where the Hazelcast file is looked for after the system property and the classpath root. */
  static final Path CONF_FILE = Path.of("conf", "cluster.xml");

  private ClusterBootstrap() {}

  /** Checks what a clustered node needs from the vpush config; throws {@link ConfigException} naming the key. */
  public static void validate(VPushConfig config) {
    if (!"redis".equals(config.get(Settings.STORE))) {
      throw new ConfigException("config error: 'store' from " + config.source(Settings.STORE) + ": a clustered node (-cluster) needs"
          + " store=redis (VPUSH_STORE=redis): every node must see the same seqs, inboxes and routes");
    }
  }

  /** Joins the cluster; completes with a clustered Vertx whose cluster manager is a {@link HazelcastClusterManager}. */
  public static Future<Vertx> start(VertxOptions options, VPushConfig config) {
    return start(options, config, hazelcastConfig());
  }

  /** {@link #start(VertxOptions, VPushConfig)} with a given Hazelcast config (tests build one with free ports). */
  public static Future<Vertx> start(VertxOptions options, VPushConfig config, Config hazelcast) {
    validate(config);
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    options.setEventBusOptions(new EventBusOptions()
        .setHost(config.get(Settings.CLUSTER_HOST))
        .setPort(config.get(Settings.CLUSTER_PORT)));
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered();
  }

  /** -Dvertx.hazelcast.config, else cluster.xml at the classpath root, else ./conf/cluster.xml, else vertx-hazelcast's default. */
  static Config hazelcastConfig() {
    boolean explicit = System.getProperty("vertx.hazelcast.config") != null;
    boolean onClasspath = ClusterBootstrap.class.getClassLoader().getResource("cluster.xml") != null;
    if (!explicit && !onClasspath && Files.isRegularFile(CONF_FILE)) {
      try {
        return new FileSystemXmlConfig(CONF_FILE.toFile());
      } catch (FileNotFoundException e) {
        throw new ConfigException("config error: cannot read " + CONF_FILE + ": " + e.getMessage());
      }
    }
    return ConfigUtil.loadConfig();
  }
}
