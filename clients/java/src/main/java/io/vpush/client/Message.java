package io.vpush.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One message for the app: a user-stream message has a seq; a topic message has seq -1 and its topic.
 *
 * @param seq the per-user seq, or -1 for a topic message
 * @param id the publisher's message id
 * @param ts the publish (or release) time, epoch ms
 * @param payload the published JSON value
 * @param headers the bridge headers as received (strings)
 * @param topic the topic name, or null for the user stream
 */
public record Message(long seq, String id, long ts, JsonNode payload, Map<String, String> headers, String topic) {}
