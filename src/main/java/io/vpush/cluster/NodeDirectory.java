package io.vpush.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The access nodes clients may connect to, least loaded first ({@code GET /api/v1/nodes}). */
public interface NodeDirectory {

  /**
   * Entries {@code {"id","url","connections","load","accepting"}}, least loaded first; {@code accepting} is false for a
   * node that is shutting down (clients must not be sent there).
   */
  Future<List<JsonObject>> accessNodes();
}
