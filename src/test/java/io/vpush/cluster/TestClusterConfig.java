package io.vpush.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vpush.testing.HazelcastFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * conf/cluster.xml made private to one test run ({@link HazelcastFiles}: a unique cluster name and free member ports),
 * so parallel runs on a shared machine never join each other; and each member's file as a Hazelcast {@link Config}
 * for nodes started inside the test JVM.
 */
public final class TestClusterConfig {

  private final List<Path> files;

  private TestClusterConfig(List<Path> files) {
    this.files = files;
  }

  /** Writes target/cluster-it/vpush-test-<random>-<i>.xml for {@code members} members. */
  public static TestClusterConfig create(int members) {
    return new TestClusterConfig(HazelcastFiles.create(Path.of("conf", "cluster.xml"), members,
        Path.of("target", "cluster-it"), "vpush-test-"));
  }

  /** The file of member {@code index} (0-based), for {@code -Dvertx.hazelcast.config}. */
  public Path file(int index) {
    return files.get(index);
  }

  /** The Hazelcast config of member {@code index} (0-based). */
  public Config member(int index) {
    try {
      return new FileSystemXmlConfig(file(index).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
