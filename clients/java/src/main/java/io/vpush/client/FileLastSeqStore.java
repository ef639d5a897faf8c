package io.vpush.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * A {@link LastSeqStore} in one file holding the decimal lastSeq. A save writes a sibling temp file and moves it over
 * the old one atomically, so a crash leaves either the old or the new value, never a torn one.
 */
public final class FileLastSeqStore implements LastSeqStore {
  private final Path path;
  private final Path tmp;

  public FileLastSeqStore(Path path) {
    this.path = path.toAbsolutePath();
    this.tmp = this.path.resolveSibling(this.path.getFileName() + ".tmp");
  }

  @Override
  public OptionalLong load() {
    try {
      String s = Files.readString(path, StandardCharsets.UTF_8).trim();
      long v = Long.parseLong(s);
      if (v < 0) throw new IllegalStateException(path + " holds a negative lastSeq: " + s);
      return OptionalLong.of(v);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (NumberFormatException e) {
      throw new IllegalStateException(path + " does not hold a lastSeq", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void save(long lastSeq) {
    try {
      Path dir = path.getParent();
      if (dir != null) Files.createDirectories(dir);
      Files.writeString(tmp, Long.toString(lastSeq), StandardCharsets.UTF_8);
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
