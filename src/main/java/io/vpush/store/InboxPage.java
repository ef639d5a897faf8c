package io.vpush.store;

import java.util.List;

/**
 * A page of a user's inbox read after some seq.
 *
 * @param messages retained messages with seq greater than the asked seq, in seq order
 * @param lastSeq  the user's latest seq
 * @param more     whether more messages follow the page
 * @param gap      whether messages after the asked seq were dropped (expired or over the cap)
 */
public record InboxPage(List<StoredMessage> messages, long lastSeq, boolean more, boolean gap) {
}
