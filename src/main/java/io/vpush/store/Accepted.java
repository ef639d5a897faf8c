package io.vpush.store;

/**
 * The store's answer to an accept: the message as stored, and whether its id had been accepted before.
 *
 * <p>A duplicate carries the first acceptance's seq, ts and payload; dispatch still hands it on, since the
 * first attempt may have crashed before delivering (sessions drop seqs they already sent).
 */
public record Accepted(StoredMessage message, boolean duplicate) {
}
