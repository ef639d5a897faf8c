package io.vpush.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Per-member copies of {@code conf/cluster.xml} for a bench cluster: a unique cluster name and free member ports, so a
 * bench cluster never joins a developer's cluster or another run on the same machine.
 */
final class HazelcastFiles {
  private HazelcastFiles() {}

  /** Writes one file per member into a temp dir; returns their paths (for {@code -Dvertx.hazelcast.config}). */
  static List<Path> create(Path template, int members) throws Exception {
    String xml = Files.readString(template);
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < members) {
      int p = FreePorts.free();
      if (!ports.contains(p)) ports.add(p);
    }
    StringBuilder list = new StringBuilder();
    for (int p : ports) list.append("<member>127.0.0.1:").append(p).append("</member>\n");
    String name = "vpush-bench-" + UUID.randomUUID().toString().substring(0, 8);
    String shared = xml.replace("<cluster-name>vpush</cluster-name>", "<cluster-name>" + name + "</cluster-name>")
        .replaceAll("(?s)<tcp-ip enabled=\"true\">.*?</tcp-ip>", "<tcp-ip enabled=\"true\">\n" + list + "</tcp-ip>")
        .replaceAll("<port auto-increment=\"true\"[^>]*>\\d+</port>", "<port auto-increment=\"false\">PORT</port>");
    if (!shared.contains(name) || !shared.contains(">PORT<")) {
      throw new IllegalStateException(template + " does not have the expected cluster-name/port/tcp-ip elements");
    }
    Path dir = Files.createTempDirectory("vpush-bench-hz-");
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      Path f = dir.resolve("member-" + i + ".xml");
      Files.writeString(f, shared.replace(">PORT<", ">" + ports.get(i) + "<"));
      files.add(f);
    }
    return files;
  }
}
