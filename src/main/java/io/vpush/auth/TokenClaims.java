package io.vpush.auth;

import java.util.List;

/**
 * What a verified client token grants.
 *
 * @param subject the user id ({@code sub})
 * @param topics  topic patterns this client may subscribe to (empty: none beyond the public ones)
 * @param devices device types allowed to connect with this token (empty: any)
 */
public record TokenClaims(String subject, List<String> topics, List<String> devices) {
}
