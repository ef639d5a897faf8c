package io.vpush.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The node discovery of {@code GET /api/v1/connect} (docs/protocol.md, "Where to connect"), pure: where to ask, and
 * the answer read as the WebSocket URLs to dial, in the server's order (least loaded first, the user's node first).
 */
public final class ConnectAnswer {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An answer longer than this is not an answer: discovery fails and the configured URLs are dialled. */
  public static final int MAX_BYTES = 256 * 1024;
  /** Nodes read from one answer at most (a longer list is cut: the client tries them from the front). */
  public static final int MAX_NODES = 64;
  private static final String WS_PATH = "/eventbus/websocket";

  private ConnectAnswer() {}

  /**
   * The discovery URL beside a configured one: {@code http://host:8080} and {@code ws://host:8080/eventbus/websocket}
   * both ask {@code http://host:8080/api/v1/connect}; {@code user} (may be null) adds {@code ?user=} for affinity.
   */
  public static String connectUrl(String configured, String user) {
    String u = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    if (u.startsWith("ws://")) u = "http://" + u.substring(5);
    else if (u.startsWith("wss://")) u = "https://" + u.substring(6);
    if (u.endsWith(WS_PATH)) u = u.substring(0, u.length() - WS_PATH.length());
    String url = u + "/api/v1/connect";
    return user == null ? url : url + "?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8);
  }

  /**
   * The answer's {@code nodes[].websocket} URLs, in order; entries without a ws:// or wss:// URL are skipped.
   *
   * @throws IllegalArgumentException when the body is not JSON, has no {@code nodes} array, or lists no usable node
   */
  public static List<String> websocketUrls(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalArgumentException("the connect answer is not JSON", e);
    }
    JsonNode nodes = root == null ? null : root.get("nodes");
    if (nodes == null || !nodes.isArray()) throw new IllegalArgumentException("the connect answer has no nodes array");
    List<String> urls = new ArrayList<>();
    for (JsonNode n : nodes) {
      if (urls.size() == MAX_NODES) break;
      JsonNode ws = n.get("websocket");
      if (ws == null || !ws.isTextual()) continue;
      String url = ws.asText();
      if ((url.startsWith("ws://") || url.startsWith("wss://")) && url.length() > 6 && !urls.contains(url)) urls.add(url);
    }
    if (urls.isEmpty()) throw new IllegalArgumentException("the connect answer lists no node to dial");
    return urls;
  }
}
