package io.vpush.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Per-member copies of a Hazelcast configuration ({@code conf/cluster.xml}) for a private cluster of separate
 * processes: a unique cluster name and free member ports listed for TCP/IP join, so a test's or a bench run's
 * cluster never joins a developer's cluster or another run on the same machine.
 */
public final class HazelcastFiles {
  private HazelcastFiles() {}

  /**
   * Writes {@code members} files into {@code dir} (created if missing), one per member with its own port, and returns
   * their paths in member order, for {@code -Dvertx.hazelcast.config}. The cluster is named {@code <prefix><random>}.
   *
   * @throws IllegalStateException when the template has no {@code cluster-name}, auto-increment {@code port} and
   *     {@code tcp-ip} elements to replace
   */
  public static List<Path> create(Path template, int members, Path dir, String prefix) {
    try {
      String xml = Files.readString(template);
      List<Integer> ports = FreePorts.free(members);
      StringBuilder list = new StringBuilder();
      for (int p : ports) list.append("<member>127.0.0.1:").append(p).append("</member>\n");
      String name = prefix + UUID.randomUUID().toString().substring(0, 8);
      String shared = xml.replace("<cluster-name>vpush</cluster-name>", "<cluster-name>" + name + "</cluster-name>")
          .replaceAll("(?s)<tcp-ip enabled=\"true\">.*?</tcp-ip>", "<tcp-ip enabled=\"true\">\n" + list + "</tcp-ip>")
          .replaceAll("<port auto-increment=\"true\"[^>]*>\\d+</port>", "<port auto-increment=\"false\">PORT</port>");
      if (!shared.contains(name) || !shared.contains(">PORT<") || !shared.contains(list)) {
        throw new IllegalStateException(template + " does not have the expected cluster-name/port/tcp-ip elements");
      }
      Files.createDirectories(dir);
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < members; i++) {
        Path f = dir.resolve(name + "-" + i + ".xml").toAbsolutePath();
        Files.writeString(f, shared.replace(">PORT<", ">" + ports.get(i) + "<"));
        files.add(f);
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
