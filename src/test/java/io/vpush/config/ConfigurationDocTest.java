package io.vpush.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md must list every setting with its environment variable: the docs cannot drift from the code. */
class ConfigurationDocTest {

  @Test
  void everySettingIsDocumented() throws IOException {
    String doc = Files.readString(Path.of("docs/configuration.md"));
    for (Setting<?> s : Settings.ALL) {
      assertThat(doc).as("docs/configuration.md needs a row for " + s.key())
          .contains("| `" + s.key() + "` | `" + s.envName() + "` |");
    }
  }
}
