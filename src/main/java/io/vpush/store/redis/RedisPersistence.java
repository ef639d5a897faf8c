package io.vpush.store.redis;

/**
 * What a Redis server says about its own persistence and replication: {@code CONFIG GET appendonly appendfsync} and
 * {@code INFO replication}, read at start (reported in the log, checked against {@code store.durability}) and by the
 * readiness check.
 *
 * @param appendonly     {@code yes} or {@code no}; null when CONFIG is not available (renamed or disabled)
 * @param appendfsync    {@code always}, {@code everysec} or {@code no}; null when CONFIG is not available
 * @param role           {@code master} or {@code slave}
 * @param onlineReplicas replicas whose link to this server is up ({@code slaveN:...state=online})
 */
public record RedisPersistence(String appendonly, String appendfsync, String role, int onlineReplicas) {

  /** Reads {@code role} and the online replicas from the text of {@code INFO replication}. */
  public static RedisPersistence of(String appendonly, String appendfsync, String infoReplication) {
    String role = "unknown";
    int online = 0;
    for (String line : infoReplication.split("\r?\n")) {
      if (line.startsWith("role:")) role = line.substring(5).trim();
      // slave0:ip=127.0.0.1,port=6380,state=online,offset=1234,lag=0
      else if (line.startsWith("slave") && line.contains(":ip=") && line.contains("state=online")) online++;
    }
    return new RedisPersistence(appendonly, appendfsync, role, online);
  }

  /** Whether every write reaches the disk before Redis answers it. */
  public boolean fsyncsEveryWrite() {
    return "yes".equals(appendonly) && "always".equals(appendfsync);
  }

  /** One line for the startup log. */
  public String describe() {
    String config = appendonly == null ? "appendonly and appendfsync unknown (CONFIG GET refused)"
        : "appendonly " + appendonly + ", appendfsync " + appendfsync;
    return config + ", role " + role + ", " + onlineReplicas + " replica" + (onlineReplicas == 1 ? "" : "s") + " online";
  }
}
