package io.vpush.client;

/**
 * A state change and why it happened.
 *
 * @param state the new state
 * @param reason why (e.g. {@code kicked}, {@code auth_failed}, {@code closed}, a close code), or null
 * @param error the failure behind it, or null
 */
public record StateChange(State state, String reason, Throwable error) {}
