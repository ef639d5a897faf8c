package io.vpush.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Makes publish bodies (docs/protocol.md "Publish") for the HTTP and TCP doors: valid ones to pool users, and ones with
 * wrong types, extreme numbers, odd ids and targets. User ids come from {@link ClientFrameFuzz#USERS} and
 * {@link Odd#ODD_STRINGS} only, so the users the node ends up holding are a bounded set.
 */
final class PublishFuzz {

  private final Odd odd;

  PublishFuzz(Odd odd) {
    this.odd = odd;
  }

  JsonObject body() {
    JsonObject b = new JsonObject();
    switch (odd.r.nextInt(10)) {
      case 0 -> b.put("users", new JsonArray(List.of(odd.pick(ClientFrameFuzz.USERS), odd.pick(ClientFrameFuzz.USERS))));
      case 1 -> b.put("topic", odd.pick(ClientFrameFuzz.TOPICS));
      case 2 -> b.put("user", odd.pick(Odd.ODD_STRINGS));
      default -> b.put("user", odd.pick(ClientFrameFuzz.USERS));
    }
    b.put("payload", odd.chance(0.7) ? new JsonObject().put("n", odd.r.nextInt(1000)) : odd.value());
    if (odd.chance(0.3)) b.put("id", odd.chance(0.7) ? "fz-id-" + odd.r.nextInt(50) : odd.pick(Odd.ODD_STRINGS));
    if (odd.chance(0.15)) b.put("ttlSeconds", odd.pick(List.<Object>of(1, 0, -1, 86400, Long.MAX_VALUE, 1.5, "60", odd.raw("1e400"))));
    if (odd.chance(0.1)) {
      long now = System.currentTimeMillis();
      b.put("deliverAt", odd.pick(List.<Object>of(now + 500, now - 10_000, 32_503_680_000_000L, -1, 0, Long.MAX_VALUE, "tomorrow", 1.5)));
    }
    if (odd.chance(0.1)) b.put("devices", odd.pick(List.<Object>of(new JsonArray().add("pos"), new JsonArray(), "pos", new JsonArray().add(7),
        new JsonArray().add(new JsonObject()))));
    return b;
  }

  /** A body as text: valid, with damaged fields, or damaged text. */
  String text() {
    JsonObject b = body();
    double roll = odd.r.nextDouble();
    if (roll < 0.4) return odd.encode(b);
    if (roll < 0.85) {
      odd.mutateField(b);
      return odd.encode(b);
    }
    return odd.damage(odd.encode(b));
  }
}
