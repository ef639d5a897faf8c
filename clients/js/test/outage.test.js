// A register the server refuses for now (err unavailable: the store did not answer) leaves the connection open; the
// client must not sit on it idle, but register again on a new connection once the store is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VPushClient, MemoryStore } from '../src/index.js';
import { startRedis, startServer, until } from './harness.js';

let redis;
let server;
before(async () => {
  redis = await startRedis();
  // A long auth timeout: the server's close of an unregistered connection (4001 after auth.timeoutMs) must not be
  // what brings the client back.
  server = await startServer({ VPUSH_STORE: 'redis', VPUSH_REDIS_URL: redis.url, VPUSH_REDIS_COMMAND_TIMEOUT_MS: '500',
    VPUSH_AUTH_TIMEOUT_MS: '600000' });
});
after(async () => { await server?.stop(); await redis?.stop(); });

test('a register refused in a store outage is tried again on a new connection', async () => {
  await server.publish('outage', { n: 1 });
  const c = new VPushClient({ url: server.base, token: async () => server.token('outage'), clientId: 'o1',
    store: new MemoryStore(), discover: false, backoffBaseMs: 50, backoffMaxMs: 200 });
  const seen = [];
  const errors = [];
  c.on('message', (m) => { seen.push(m.seq); });
  c.on('error', (e) => errors.push(e));
  try {
    redis.pause(); // no lastSeq known: the register reads the stored cursor, which times out
    let connected;
    try {
      connected = c.connect();
      await until(() => errors.some((e) => e.failureType === 'unavailable'), 15000, 'the register answered unavailable');
    } finally {
      redis.resume();
    }
    await connected;
    await until(() => seen.length === 1, 15000, 'the message once registered');
    assert.deepEqual(seen, [1]);
  } finally {
    await c.close();
  }
});
