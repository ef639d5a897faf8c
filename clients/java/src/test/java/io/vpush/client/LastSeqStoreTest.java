package io.vpush.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastSeqStoreTest {
  @TempDir Path dir;

  @Test
  void fileStoreSurvivesANewInstanceAndStartsEmpty() throws Exception {
    Path f = dir.resolve("sub/phone-1.lastseq");
    assertThat(LastSeqStore.file(f).load()).isEmpty();
    LastSeqStore.file(f).save(42);
    assertThat(LastSeqStore.file(f).load()).hasValue(42);
    LastSeqStore.file(f).save(43);
    assertThat(LastSeqStore.file(f).load()).hasValue(43);
    assertThat(Files.list(f.getParent())).containsExactly(f); // no temp file left behind
  }

  @Test
  void fileStoreRefusesGarbage() throws Exception {
    Path f = dir.resolve("bad");
    Files.writeString(f, "not a number");
    assertThatThrownBy(() -> LastSeqStore.file(f).load()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void memoryStore() {
    LastSeqStore s = LastSeqStore.inMemory();
    assertThat(s.load()).isEmpty();
    s.save(0);
    assertThat(s.load()).hasValue(0);
    assertThat(new MemoryLastSeqStore(9).load()).hasValue(9);
  }
}
