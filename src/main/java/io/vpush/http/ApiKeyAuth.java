package io.vpush.http;

import io.vpush.http.HttpJson;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Requires {@code Authorization: Bearer <api.key>} (compared in constant time); 401 with a JSON reason otherwise. */
public final class ApiKeyAuth implements Handler<RoutingContext> {

  private final byte[] key;

  public ApiKeyAuth(String apiKey) {
    this.key = apiKey.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      HttpJson.error(ctx, 401, "unauthorized", "missing 'Authorization: Bearer <api key>'");
      return;
    }
    if (!MessageDigest.isEqual(key, header.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
      HttpJson.error(ctx, 401, "unauthorized", "invalid API key");
      return;
    }
    ctx.next();
  }
}
