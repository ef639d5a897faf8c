package io.vpush.time;

/** A clock tests move by hand. */
public final class ManualClock implements Clock {

  private long now;

  public ManualClock(long start) {
    this.now = start;
  }

  @Override
  public long nowMs() { return now; }

  public void advance(long ms) { now += ms; }

  public void set(long ms) { now = ms; }
}
