package io.vpush;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** gentoken's own options are not settings. */
class CommandLineTest {

  @Test
  void gentokenTakesAKidBesideItsOtherOptions() {
    CommandLine cli = CommandLine.parse(new String[] {"gentoken", "--user", "alice", "--kid", "new", "--ttl=1h", "--jwt.keys=x"});
    assertThat(cli.options()).containsEntry("user", "alice").containsEntry("kid", "new").containsEntry("ttl", "1h");
    assertThat(cli.settings()).containsOnlyKeys("jwt.keys");
  }
}
