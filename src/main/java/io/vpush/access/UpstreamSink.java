package io.vpush.access;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Where client upstream messages and presence events go (event bus always; Kafka when configured). */
public interface UpstreamSink {

  /** Forwards one upstream record; completes when it is safely handed over (Kafka acknowledged, where Kafka is on). */
  Future<Void> upstream(String userId, JsonObject record);

  /** Reports a connect or disconnect; best effort. */
  void presence(String userId, JsonObject event);
}
