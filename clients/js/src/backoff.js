// Reconnect delays: exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter").
// Pure: the random source is an argument, so the bounds are unit-tested without timing.

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry after a drop):
 * a uniform random value in [0, min(maxMs, baseMs * 2^attempt)].
 */
export function backoffDelay(attempt, baseMs, maxMs, random = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * Math.pow(2, Math.min(attempt, 30)));
  return Math.floor(random() * ceiling);
}
