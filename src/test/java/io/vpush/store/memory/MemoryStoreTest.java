package io.vpush.store.memory;

import io.vpush.store.Store;
import io.vpush.store.StoreContractTest;
import io.vpush.time.ManualClock;

/** The memory engine against the store contract. */
class MemoryStoreTest extends StoreContractTest {

  @Override
  protected Store createStore(ManualClock clock, int inboxCap, long ttlSeconds) {
    return new MemoryStore(clock, inboxCap, ttlSeconds);
  }
}
