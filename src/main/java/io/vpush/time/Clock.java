package io.vpush.time;

/** Milliseconds since the epoch; a seam so timer and expiry logic can be tested on a controlled clock. */
@FunctionalInterface
public interface Clock {

  Clock SYSTEM = System::currentTimeMillis;

  long nowMs();
}
