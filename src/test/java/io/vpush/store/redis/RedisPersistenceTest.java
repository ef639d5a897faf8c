package io.vpush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What Redis reports about its persistence, and what each store.durability level makes of it. */
class RedisPersistenceTest {

  private static final String MASTER_WITH_ONE = "# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
      + "slave0:ip=127.0.0.1,port=6380,state=online,offset=42,lag=0\r\n"
      + "slave1:ip=127.0.0.1,port=6381,state=wait_bgsave,offset=0,lag=0\r\nmaster_repl_offset:42\r\n";

  @Test
  void countsOnlyReplicasWhoseLinkIsUp() {
    RedisPersistence p = RedisPersistence.of("yes", "always", MASTER_WITH_ONE);
    assertThat(p.role()).isEqualTo("master");
    assertThat(p.onlineReplicas()).isEqualTo(1);
    assertThat(p.describe()).isEqualTo("appendonly yes, appendfsync always, role master, 1 replica online");
  }

  @Test
  void fsyncIsRefusedUnlessRedisFsyncsEveryWriteAndSaysWhatToSet() {
    RedisDurability fsync = RedisDurability.of("fsync", 1, 1000);
    assertThat(fsync.refusal(RedisPersistence.of("yes", "always", "role:master"))).isNull();
    assertThat(fsync.refusal(RedisPersistence.of("yes", "everysec", "role:master")))
        .contains("appendfsync everysec", "appendonly yes and appendfsync always");
    assertThat(fsync.refusal(RedisPersistence.of("no", "always", "role:master"))).contains("appendonly no");
    assertThat(fsync.refusal(RedisPersistence.of(null, null, "role:master"))).contains("CONFIG GET is refused");
    assertThat(RedisDurability.MEMORY.refusal(RedisPersistence.of("no", "no", "role:master"))).isNull();
  }

  @Test
  void replicatedIsUnmetWithFewerReplicasOnlineButNotRefused() {
    RedisDurability two = RedisDurability.of("replicated", 2, 1000);
    RedisPersistence one = RedisPersistence.of("no", "everysec", MASTER_WITH_ONE);
    assertThat(two.refusal(one)).isNull();
    assertThat(two.unmet(one)).isEqualTo("1 of the 2 replicas store.durability=replicated needs are online");
    assertThat(RedisDurability.of("replicated", 1, 1000).unmet(one)).isNull();
  }
}
