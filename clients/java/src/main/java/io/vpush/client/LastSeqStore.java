package io.vpush.client;

import java.util.OptionalLong;

/**
 * Where the client keeps lastSeq, the highest seq its app has processed: what makes delivery exactly-once across
 * restarts of the app. It is written after each handler returns and before the ack goes out.
 */
public interface LastSeqStore {
  /** The stored lastSeq, or empty when none was ever stored (the server's cursor for the clientId is then used). */
  OptionalLong load();

  /** Stores {@code lastSeq}; called on the client's thread after the handler of that seq returned. */
  void save(long lastSeq);

  /** A store in memory: exactly-once for the life of this process. */
  static LastSeqStore inMemory() {
    return new MemoryLastSeqStore();
  }

  /** A store in one small file, replaced atomically on each save. */
  static LastSeqStore file(java.nio.file.Path path) {
    return new FileLastSeqStore(path);
  }
}
