package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A publish door as the business sees it: HTTP, the TCP event-bus bridge (tcp; eventbus is the same door, since the
 * bridge is how a process outside the cluster reaches the event bus) and Kafka. A future succeeds once the server
 * accepted the message (Kafka: once the broker has the record).
 */
public interface Publisher {

  /** The door's name in reports: http, tcp, eventbus, kafka. */
  String door();

  Future<Void> toUser(String user, JsonObject payload);

  /** One publish to many users (the {@code users} form). */
  Future<Void> toUsers(List<String> users, JsonObject payload);

  Future<Void> close();

  /** The publish body (protocol.md section 9) for one user; every door sends the same JSON. */
  static JsonObject userBody(String user, JsonObject payload) {
    return new JsonObject().put("user", user).put("payload", payload);
  }

  /** The publish body for many users (the {@code users} form). */
  static JsonObject usersBody(List<String> users, JsonObject payload) {
    return new JsonObject().put("users", new JsonArray(List.copyOf(users))).put("payload", payload);
  }

  /** Creates the publisher for {@code --door}. */
  static Publisher create(io.vertx.core.Vertx vertx, String door, Target target, BenchOptions o) {
    return switch (door) {
      case "http" -> new HttpPublisher(vertx, target.host(), target.port(), target.apiKey(),
          o.integer("http-connections", 32));
      case "tcp", "eventbus" -> TcpPublisher.connect(vertx, door, target.host(), target.bridgePort(), target.apiKey(),
          o.integer("tcp-connections", 4));
      case "kafka" -> KafkaPublisher.of(vertx, o);
      default -> throw new IllegalArgumentException("unknown door '" + door + "' (http, tcp, eventbus, kafka)");
    };
  }
}
