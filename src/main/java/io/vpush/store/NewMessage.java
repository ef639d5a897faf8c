package io.vpush.store;

import java.util.List;

/**
 * A message for one user, validated and not yet accepted (it has no seq yet).
 *
 * @param id         idempotency key (a door generates one when the publisher gave none)
 * @param user       the user id
 * @param ts         publish time, epoch ms
 * @param ttlSeconds how long the inbox keeps it
 * @param payload    the payload as JSON text
 * @param devices    device types it is meant for; empty means every device
 * @param freshId    the id was drawn at random for this publish alone, so no earlier accept can hold it: the store
 *                   skips its idempotency index (no lookup, no entry). Only an immediate publish that brought no id
 *                   has one; a publisher's id, a Kafka offset id and a scheduled message's id are always indexed.
 */
public record NewMessage(String id, String user, long ts, long ttlSeconds, String payload, List<String> devices,
                         boolean freshId) {

  public NewMessage {
    devices = devices == null ? List.of() : List.copyOf(devices);
  }

  /** A message whose id is indexed for idempotency (the usual case: see {@code freshId}). */
  public NewMessage(String id, String user, long ts, long ttlSeconds, String payload, List<String> devices) {
    this(id, user, ts, ttlSeconds, payload, devices, false);
  }
}
