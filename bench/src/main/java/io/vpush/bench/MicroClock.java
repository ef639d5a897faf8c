package io.vpush.bench;

import java.time.Instant;

/** Wall-clock time in epoch microseconds, comparable across the processes of one machine (publisher, clients). */
public final class MicroClock {
  private MicroClock() {}

  public static long nowMicros() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }
}
