package io.vpush.purge;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.store.NewMessage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A validated publish (protocol.md section 9): who it is for ({@code user}, {@code users} or {@code topic}),
 * the payload as JSON text, and the options. Parsing is pure so every door validates the same way.
 */
public final class PublishRequest {

  static final int MAX_ID_LENGTH = 256;
  static final long MAX_TTL_SECONDS = 31_536_000L;

  private final List<String> users;
  private final boolean single;
  private final String topic;
  private final String id;
  /** Whether {@link #id} was drawn at random here (the publish brought none and no door gave one). */
  private final boolean randomId;
  private final String payload;
  private final long ttlSeconds;
  private final long deliverAt;
  private final List<String> devices;

  private PublishRequest(List<String> users, boolean single, String topic, String id, boolean randomId, String payload,
                         long ttlSeconds, long deliverAt, List<String> devices) {
    this.users = users;
    this.single = single;
    this.topic = topic;
    this.id = id;
    this.randomId = randomId;
    this.payload = payload;
    this.ttlSeconds = ttlSeconds;
    this.deliverAt = deliverAt;
    this.devices = devices;
  }

  /**
   * Parses and checks a publish body.
   *
   * @param generatedId the id to use when the body has none (a Kafka door passes topic-partition-offset)
   * @throws PublishException naming the bad field
   */
  public static PublishRequest parse(JsonObject body, String generatedId, long defaultTtlSeconds, int maxUsers) {
    if (body == null) throw new PublishException("body", "the body must be a JSON object");
    int targets = (body.containsKey("user") ? 1 : 0) + (body.containsKey("users") ? 1 : 0) + (body.containsKey("topic") ? 1 : 0);
    if (targets != 1) throw new PublishException("user", "give exactly one of 'user', 'users' or 'topic'");
    if (!body.containsKey("payload")) throw new PublishException("payload", "'payload' is required (any JSON value)");

    List<String> users = List.of();
    String topic = null;
    boolean single = false;
    if (body.containsKey("user")) {
      users = List.of(userId(body.getValue("user"), "user"));
      single = true;
    } else if (body.containsKey("users")) {
      users = userList(body.getValue("users"), maxUsers);
    } else {
      topic = name(body.getValue("topic"), "topic");
    }
    String id = body.containsKey("id") && body.getValue("id") != null ? name(body.getValue("id"), "id") : generatedId;
    boolean random = id == null;
    if (random) id = randomId();
    long ttl = body.getValue("ttlSeconds") == null ? defaultTtlSeconds : wholeNumber(body.getValue("ttlSeconds"), "ttlSeconds", 1, MAX_TTL_SECONDS);
    long deliverAt = body.getValue("deliverAt") == null ? 0 : wholeNumber(body.getValue("deliverAt"), "deliverAt", 0, Long.MAX_VALUE);
    if (topic != null && deliverAt > 0) throw new PublishException("deliverAt", "'deliverAt' is not allowed with 'topic': topic messages cannot be scheduled");
    List<String> devices = body.getValue("devices") == null ? List.of() : strings(body.getValue("devices"), "devices");
    return new PublishRequest(users, single, topic, id, random, Json.encode(body.getValue("payload")), ttl, deliverAt, devices);
  }

  /**
   * The message for each user, stamped with {@code ts}. A random id accepted now is fresh (the store need not index
   * it: nobody else can know it); one of a scheduled message is not, since the delay role may release it twice.
   */
  public List<NewMessage> messages(long ts) {
    boolean fresh = randomId && !scheduled(ts);
    List<NewMessage> out = new ArrayList<>(users.size());
    for (String u : users) out.add(new NewMessage(id, u, ts, ttlSeconds, payload, devices, fresh));
    return out;
  }

  public List<String> users() { return users; }
  /** Whether the request named one {@code user} (the answer is then {@code {id, seq}}, not a results list). */
  public boolean single() { return single; }
  public String topic() { return topic; }
  public String id() { return id; }
  public String payload() { return payload; }
  public long deliverAt() { return deliverAt; }

  /** Whether it is due later than {@code now} and so goes to the delay queue. */
  public boolean scheduled(long now) {
    return deliverAt > now;
  }

  /**
   * A random version-4 UUID for a publish that brought no id. It only has to be unique among one user's retained
   * messages (the idempotency index), not secret: {@code UUID.randomUUID()} draws from SecureRandom (a lock, a read of
   * /dev/urandom and a SHA-1) and was a seventh of parsing a bridge publish.
   */
  static String randomId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;                                // version 4
    long lo = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;  // IETF variant
    return new UUID(hi, lo).toString();
  }

  private static String userId(Object raw, String field) {
    String s = name(raw, field);
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) throw new PublishException(field, "'" + field + "' must not contain whitespace");
    }
    return s;
  }

  private static List<String> userList(Object raw, int maxUsers) {
    if (!(raw instanceof JsonArray arr) || arr.isEmpty()) throw new PublishException("users", "'users' must be a non-empty array of user ids");
    if (arr.size() > maxUsers) throw new PublishException("users", "'users' has " + arr.size() + " entries; the limit is " + maxUsers);
    Set<String> out = new LinkedHashSet<>();
    for (Object o : arr) out.add(userId(o, "users"));
    return List.copyOf(out);
  }

  private static String name(Object raw, String field) {
    if (!(raw instanceof String s) || s.isEmpty()) throw new PublishException(field, "'" + field + "' must be a non-empty string");
    if (s.length() > MAX_ID_LENGTH) throw new PublishException(field, "'" + field + "' is longer than " + MAX_ID_LENGTH + " characters");
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) throw new PublishException(field, "'" + field + "' must not contain control characters");
    }
    return s;
  }

  private static long wholeNumber(Object raw, String field, long min, long max) {
    if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new PublishException(field, "'" + field + "' must be a whole number");
    }
    long v = n.longValue();
    if (v < min || v > max) throw new PublishException(field, "'" + field + "' must be between " + min + " and " + max);
    return v;
  }

  private static List<String> strings(Object raw, String field) {
    if (!(raw instanceof JsonArray arr)) throw new PublishException(field, "'" + field + "' must be an array of strings");
    List<String> out = new ArrayList<>(arr.size());
    for (Object o : arr) out.add(name(o, field));
    return List.copyOf(out);
  }
}
