package io.vpush.access;

import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.limit.RateLimit;

/**
 * The node's limits on what one client connection may send: frames per second, {@code vpush.upstream} messages per
 * second, how many refusals it may collect before it is closed, and how many topics it may hold. The rules are the
 * node's; each connection keeps only its buckets, in an {@link InboundBudget}.
 *
 * @param frames every client frame (text, binary, WebSocket ping)
 * @param upstream {@code send} to {@code vpush.upstream}, on top of {@code frames}
 * @param refusals frames refused with {@code rate_limited}: a connection that empties this bucket keeps abusing the
 *     limits and is closed with 1008
 * @param maxTopics topic subscriptions one connection may hold
 */
record InboundLimits(RateLimit frames, RateLimit upstream, RateLimit refusals, int maxTopics) {

  /** What happens to one frame. */
  enum Verdict {
    /** Within the limits. */
    ACCEPT,
    /** Over a limit: answered {@code err rate_limited} and otherwise dropped. */
    REFUSE,
    /** Over a limit, for too long: the connection is closed with 1008. */
    CLOSE
  }

  static InboundLimits of(VPushConfig config) {
    int framesPerSecond = config.get(Settings.RATE_FRAMES_PER_SECOND);
    return new InboundLimits(
        RateLimit.perSecond(framesPerSecond, config.get(Settings.RATE_FRAMES_BURST)),
        RateLimit.perSecond(config.get(Settings.RATE_UPSTREAM_PER_SECOND), config.get(Settings.RATE_UPSTREAM_BURST)),
        // Refusals drain at a tenth of the frame rate: a client that overshoots now and then is never closed, one
        // that keeps sending at more than ~1.1x the rate is, once it has collected refusedBeforeClose of them.
        RateLimit.perSecond(Math.max(0.1, framesPerSecond / 10.0), config.get(Settings.RATE_REFUSED_BEFORE_CLOSE)),
        config.get(Settings.TOPICS_MAX_PER_CONNECTION));
  }
}
