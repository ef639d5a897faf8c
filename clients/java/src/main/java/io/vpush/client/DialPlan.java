package io.vpush.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Which URL the client dials next, pure. Without discovery it cycles through the configured URLs. With discovery the
 * candidates are the nodes {@code /api/v1/connect} returned (or, when discovery failed, the configured URLs dialled
 * directly), tried from the front, one per connection; once they are used up, {@link #current()} is null: ask again,
 * unless the discovered nodes registered the client and were asked for less than {@code maxAgeMs} ago: then they are
 * tried again from the front ({@link #restartIfFresh}), so a reconnect storm is not also a storm of discovery requests.
 */
public final class DialPlan {
  private final List<String> configured;
  private final boolean discovery;
  private final long maxAgeMs;
  private List<String> candidates;
  private int index;
  private boolean fromDiscovery;
  private long discoveredAtMs;
  private boolean registered;

  /** @param configured the builder's URLs (at least one); @param discovery whether to ask {@code /api/v1/connect} */
  public DialPlan(List<String> configured, boolean discovery) {
    this(configured, discovery, 0);
  }

  /** @param maxAgeMs how long discovered nodes that registered the client are tried again without asking */
  public DialPlan(List<String> configured, boolean discovery, long maxAgeMs) {
    if (configured.isEmpty()) throw new IllegalArgumentException("at least one URL");
    this.configured = List.copyOf(configured);
    this.discovery = discovery;
    this.maxAgeMs = maxAgeMs;
    this.candidates = discovery ? List.of() : this.configured;
  }

  /** A candidate registered the client: the list works. */
  public void registered() {
    registered = true;
  }

  /** The discovered nodes are out of date (one of them is shutting down): ask again once they are used up. */
  public void stale() {
    registered = false;
  }

  /** Used up, but discovered less than maxAgeMs before {@code nowMs} and it registered the client: from the front again. */
  public void restartIfFresh(long nowMs) {
    if (!discovery || index < candidates.size() || !fromDiscovery || !registered || nowMs - discoveredAtMs >= maxAgeMs) return;
    index = 0;
    registered = false;
  }

  /** The configured URLs: the ones dialled without discovery, and the bases discovery asks, in order. */
  public List<String> configured() {
    return configured;
  }

  /** The URL to dial now, or null when there is none left and discovery must run first. */
  public String current() {
    if (!discovery) return configured.get(Math.floorMod(index, configured.size()));
    return index < candidates.size() ? candidates.get(index) : null;
  }

  /** The connection to {@link #current()} ended (or never came up): move on to the next candidate. */
  public void advance() {
    index++;
  }

  /** Discovery answered at {@code nowMs}: dial these node URLs, in order, from the first. */
  public void discovered(List<String> urls, long nowMs) {
    if (urls.isEmpty()) {
      discoveryFailed();
      return;
    }
    candidates = new ArrayList<>(urls);
    index = 0;
    fromDiscovery = true;
    discoveredAtMs = nowMs;
    registered = false;
  }

  /** Discovery failed at every configured URL (network error, 404, bad answer): dial those URLs directly, once each. */
  public void discoveryFailed() {
    candidates = configured;
    index = 0;
    fromDiscovery = false;
  }
}
