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
 */
public record NewMessage(String id, String user, long ts, long ttlSeconds, String payload, List<String> devices) {

  public NewMessage {
    devices = devices == null ? List.of() : List.copyOf(devices);
  }
}
