package io.vpush.client;

/**
 * Messages after {@code afterSeq} that the server no longer had (expired, or dropped past the inbox cap): the app
 * should reload that range from the business. Raised instead of skipping silently.
 *
 * @param afterSeq the client's lastSeq when it asked
 * @param beforeSeq the first seq the client got after the hole (exclusive end), or -1 when none followed yet
 */
public record Gap(long afterSeq, long beforeSeq) {}
