package io.vpush.protocol;

/** Addresses of the wire protocol and of vpush's internal event bus. */
public final class Addresses {
  private Addresses() {}

  public static final String USER_PREFIX = "vpush.user.";
  public static final String TOPIC_PREFIX = "vpush.topic.";
  public static final String ACK = "vpush.ack";
  public static final String SYNC = "vpush.sync";
  public static final String UPSTREAM = "vpush.upstream";
  /** A fresh token for a registered connection whose token is about to expire ({@code control: refresh}). */
  public static final String REFRESH = "vpush.refresh";
  /** Request/reply publish door, in-cluster and over the TCP bridge. */
  public static final String PUBLISH = "vpush.publish";
  /** In-cluster consumers of client upstream messages. */
  public static final String UPSTREAM_IN = "vpush.upstream.in";
  /** Each node's one clustered address; dispatch sends a user's messages there. */
  public static final String NODE_PREFIX = "vpush.node.";
  /** Clustered publish address of topic frames; every access shard of every node consumes it. */
  public static final String TOPICS = "vpush.topics";

  public static String user(String userId) { return USER_PREFIX + userId; }
  public static String topic(String topic) { return TOPIC_PREFIX + topic; }
  public static String node(String nodeId) { return NODE_PREFIX + nodeId; }
}
