package io.vpush.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vpush.bench.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * conf/cluster.xml made private to one test run: a unique cluster name and free member ports, so parallel runs on
 * a shared machine never join each other.
 */
public final class TestClusterConfig {

  private final Path file;

  private TestClusterConfig(Path file) {
    this.file = file;
  }

  /** Writes target/cluster-it/cluster-<name>.xml for {@code members} members. */
  public static TestClusterConfig create(int members) {
    try {
      String xml = Files.readString(Path.of("conf", "cluster.xml"));
      List<Integer> ports = FreePorts.free(members);
      StringBuilder list = new StringBuilder();
      for (int p : ports) list.append("<member>127.0.0.1:").append(p).append("</member>\n");
      String name = "vpush-test-" + UUID.randomUUID().toString().substring(0, 8);
      xml = xml.replace("<cluster-name>vpush</cluster-name>", "<cluster-name>" + name + "</cluster-name>")
          .replaceAll("(?s)<tcp-ip enabled=\"true\">.*?</tcp-ip>", "<tcp-ip enabled=\"true\">\n" + list + "</tcp-ip>")
          .replace("<port auto-increment=\"true\" port-count=\"10\">5801</port>", "<port auto-increment=\"false\">PORT</port>");
      Path dir = Path.of("target", "cluster-it");
      Files.createDirectories(dir);
      // One file per member: each binds its own listed port.
      for (int i = 0; i < members; i++) {
        Files.writeString(dir.resolve("cluster-" + name + "-" + i + ".xml"), xml.replace(">PORT<", ">" + ports.get(i) + "<"));
      }
      return new TestClusterConfig(dir.toAbsolutePath().resolve("cluster-" + name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file of member {@code index} (0-based), for {@code -Dvertx.hazelcast.config}. */
  public Path file(int index) {
    return Path.of(file + "-" + index + ".xml");
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
