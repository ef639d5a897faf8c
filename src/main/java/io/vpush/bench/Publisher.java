package io.vpush.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A publish door as the business sees it. The HTTP door exists; the event-bus/TCP-bridge and Kafka doors implement
 * this same interface when they land. A future succeeds once the server accepted the message.
 */
public interface Publisher {

  /** The door's name in reports: http, eventbus, kafka. */
  String door();

  Future<Void> toUser(String user, JsonObject payload);

  /** One publish to many users (the {@code users} form). */
  Future<Void> toUsers(List<String> users, JsonObject payload);

  Future<Void> close();

  /** Creates the publisher for {@code --door}. */
  static Publisher create(io.vertx.core.Vertx vertx, String door, Target target, BenchOptions o) {
    return switch (door) {
      case "http" -> new HttpPublisher(vertx, target.host(), target.port(), target.apiKey(),
          o.integer("http-connections", 32));
      case "eventbus", "kafka" -> throw new IllegalArgumentException("door '" + door + "' is not implemented yet");
      default -> throw new IllegalArgumentException("unknown door '" + door + "' (http, eventbus, kafka)");
    };
  }
}
