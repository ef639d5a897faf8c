package io.vpush.testing;

import java.util.List;

/**
 * Frames exactly as the server writes them, for clients that read them without a JSON parse (the load generator's
 * {@code RecFrame}). The server's {@code ServerFrameSamplesTest} checks that its encoder still writes these very
 * strings from these inputs; the bench's {@code RecFrameTest} checks that {@code RecFrame} reads them. So a change of
 * the server's layout fails the first, and a fast reader that no longer fits fails the second.
 */
public final class ServerFrameSamples {
  private ServerFrameSamples() {}

  /** A user message: the inputs of the server's encoder ({@code expiresAt} and devices do not show) and its frame. */
  public record UserMessage(String id, String user, long seq, long ts, String payload, String frame) {}

  /** A user message whose payload starts with the bench's due time {@code t} (epoch µs) and holds a decoy "seq". */
  public static final UserMessage WITH_DUE_TIME = new UserMessage("id-1", "bench-u1", 42, 1,
      "{\"t\":1763000000123456,\"i\":7,\"pad\":\"x\\\"seq\\\":\\\"9\\\"\"}",
      "{\"type\":\"rec\",\"address\":\"vpush.user.bench-u1\",\"body\":{\"t\":1763000000123456,\"i\":7,"
          + "\"pad\":\"x\\\"seq\\\":\\\"9\\\"\"},\"headers\":{\"id\":\"id-1\",\"seq\":\"42\",\"ts\":\"1\"}}");

  /** A user message whose payload has no due time. */
  public static final UserMessage WITHOUT_DUE_TIME = new UserMessage("id-2", "u", 3, 1, "{\"other\":1}",
      "{\"type\":\"rec\",\"address\":\"vpush.user.u\",\"body\":{\"other\":1},\"headers\":{\"id\":\"id-2\",\"seq\":\"3\",\"ts\":\"1\"}}");

  /** Every user-message sample. */
  public static final List<UserMessage> USER_MESSAGES = List.of(WITH_DUE_TIME, WITHOUT_DUE_TIME);

  /** The {@code registered} control notice of user {@code u} with body {@code {"lastSeq":3}}. */
  public static final String CONTROL_REGISTERED =
      "{\"type\":\"rec\",\"address\":\"vpush.user.u\",\"body\":{\"lastSeq\":3},\"headers\":{\"control\":\"registered\"}}";

  /** A message of topic {@code news}, id {@code id}, ts 5, payload {@code {"t":1}}: no seq. */
  public static final String TOPIC_MESSAGE =
      "{\"type\":\"rec\",\"address\":\"vpush.topic.news\",\"body\":{\"t\":1},\"headers\":{\"id\":\"id\",\"ts\":\"5\"}}";

  /** The answer to a ping. */
  public static final String PONG = "{\"type\":\"pong\"}";
}
