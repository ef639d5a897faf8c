package io.vpush.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Which URL the client dials next, pure. Without discovery it cycles through the configured URLs. With discovery the
 * candidates are the nodes {@code /api/v1/connect} returned (or, when discovery failed, the configured URLs dialled
 * directly), tried from the front, one per connection; once they are used up, {@link #current()} is null: ask again.
 */
public final class DialPlan {
  private final List<String> configured;
  private final boolean discovery;
  private List<String> candidates;
  private int index;

  /** @param configured the builder's URLs (at least one); @param discovery whether to ask {@code /api/v1/connect} */
  public DialPlan(List<String> configured, boolean discovery) {
    if (configured.isEmpty()) throw new IllegalArgumentException("at least one URL");
    this.configured = List.copyOf(configured);
    this.discovery = discovery;
    this.candidates = discovery ? List.of() : this.configured;
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

  /** Discovery answered: dial these node URLs, in order, from the first. */
  public void discovered(List<String> urls) {
    if (urls.isEmpty()) {
      discoveryFailed();
      return;
    }
    candidates = new ArrayList<>(urls);
    index = 0;
  }

  /** Discovery failed at every configured URL (network error, 404, bad answer): dial those URLs directly, once each. */
  public void discoveryFailed() {
    candidates = configured;
    index = 0;
  }
}
