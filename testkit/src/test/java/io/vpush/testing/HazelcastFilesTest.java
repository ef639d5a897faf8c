package io.vpush.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-member Hazelcast files made from the project's conf/cluster.xml, and a template that does not fit. */
class HazelcastFilesTest {

  private static final Pattern NAME = Pattern.compile("<cluster-name>([^<]+)</cluster-name>");
  private static final Pattern PORT = Pattern.compile("<port auto-increment=\"false\">(\\d+)</port>");

  @TempDir Path dir;

  @Test
  void everyMemberHasItsOwnPortAndListsAllOfThemUnderOneFreshClusterName() throws Exception {
    List<Path> files = HazelcastFiles.create(projectRoot().resolve("conf/cluster.xml"), 3, dir.resolve("hz"), "kit-");
    assertThat(files).hasSize(3).allMatch(Path::isAbsolute);
    Set<String> names = new HashSet<>();
    List<String> ports = new ArrayList<>();
    for (Path f : files) {
      String xml = Files.readString(f);
      Matcher n = NAME.matcher(xml);
      assertThat(n.find()).as(f.toString()).isTrue();
      names.add(n.group(1));
      Matcher p = PORT.matcher(xml);
      assertThat(p.find()).as(f.toString()).isTrue();
      ports.add(p.group(1));
    }
    assertThat(names).hasSize(1).allMatch(n -> n.startsWith("kit-"));
    assertThat(ports).doesNotHaveDuplicates();
    for (Path f : files) {
      String xml = Files.readString(f);
      for (String port : ports) assertThat(xml).contains("<member>127.0.0.1:" + port + "</member>");
    }
    // A second call makes a second cluster: never the same name as the first.
    String other = Files.readString(HazelcastFiles.create(projectRoot().resolve("conf/cluster.xml"), 1, dir, "kit-").get(0));
    assertThat(other).doesNotContain("<cluster-name>" + names.iterator().next() + "</cluster-name>");
  }

  @Test
  void refusesATemplateWithoutTheElementsItReplaces() throws Exception {
    Path template = Files.writeString(dir.resolve("plain.xml"), "<hazelcast><cluster-name>vpush</cluster-name></hazelcast>");
    assertThatThrownBy(() -> HazelcastFiles.create(template, 2, dir, "kit-"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("plain.xml");
  }

  private static Path projectRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("conf/cluster.xml"))) return p;
    }
    throw new IllegalStateException("conf/cluster.xml not found above " + Path.of("").toAbsolutePath());
  }
}
