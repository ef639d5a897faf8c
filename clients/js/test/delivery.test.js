// Delivery, acks and catch-up through the SDK against a real vpush process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VPushClient, MemoryStore } from '../src/index.js';
import { startServer, until, nextEvent } from './harness.js';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

function client(user, opts = {}) {
  return new VPushClient({ url: server.base, token: async () => server.token(user), clientId: 'c1', ...opts });
}

test('delivers each message once, in seq order, acks it, and a reconnect does not redeliver what was acked', async () => {
  const store = new MemoryStore();
  const seen = [];
  const c = client('alice', { store, ackIntervalMs: 50 });
  c.on('message', async (m) => { seen.push(m); });
  await c.connect();
  for (let i = 1; i <= 5; i++) await server.publish('alice', { n: i }, 'a-' + i);
  await until(() => seen.length === 5, 10000, '5 messages');
  assert.deepEqual(seen.map((m) => m.seq), [1, 2, 3, 4, 5]);
  assert.deepEqual(seen.map((m) => m.payload.n), [1, 2, 3, 4, 5]);
  assert.equal(seen[0].id, 'a-1');
  assert.ok(seen[0].ts > 0);
  await until(async () => (await server.user('alice')).lastSeq === 5, 5000, 'server lastSeq 5');
  await c.close();
  assert.equal(c.state, 'closed');
  assert.equal(store.get('vpush.lastSeq.alice.c1'), '5');

  // A fresh client with the same store: nothing is redelivered; new messages continue the sequence.
  const seen2 = [];
  const c2 = client('alice', { store });
  c2.on('message', (m) => { seen2.push(m.seq); });
  await c2.connect();
  await server.publish('alice', { n: 6 }, 'a-6');
  await until(() => seen2.length === 1, 10000, 'message 6');
  assert.deepEqual(seen2, [6]);
  await c2.close();
});

test('the ack leaves only after the handler resolved, cumulative and batched', async () => {
  const acks = [];
  let release;
  const gate = new Promise((r) => { release = r; });
  const c = client('bob', { ackIntervalMs: 10000, ackMaxMessages: 3 });
  c.on('ack', (seq) => acks.push(seq));
  const handled = [];
  c.on('message', async (m) => { if (m.seq === 1) await gate; handled.push(m.seq); });
  await c.connect();
  for (let i = 1; i <= 3; i++) await server.publish('bob', { n: i });
  // The handler of seq 1 blocks: nothing may be acked, nothing after it handled.
  await until(async () => (await server.user('bob')).lastSeq === 3, 5000, 'published');
  assert.deepEqual(handled, []);
  assert.deepEqual(acks, []);
  release();
  // Three messages make one cumulative ack (ackMaxMessages = 3) even with a long interval.
  const seq = await until(() => acks.length > 0 && acks, 5000, 'ack');
  assert.deepEqual(handled, [1, 2, 3]);
  assert.deepEqual(seq, [3]);
  await c.close();
});

test('messages published while the client was away arrive once, in order, after it reconnects', async () => {
  const store = new MemoryStore();
  const seen = [];
  const c = client('carol', { store });
  c.on('message', (m) => { seen.push(m.seq); });
  await c.connect();
  await server.publish('carol', { n: 1 });
  await until(() => seen.length === 1, 10000, 'first message');
  await c.close();
  for (let i = 2; i <= 30; i++) await server.publish('carol', { n: i });
  const c2 = client('carol', { store });
  const seen2 = [];
  c2.on('message', (m) => { seen2.push(m.seq); });
  await c2.connect();
  await until(() => seen2.length >= 29, 10000, 'catch-up');
  assert.deepEqual(seen2, Array.from({ length: 29 }, (_, i) => i + 2));
  await c2.close();
});

test('a dropped connection re-dials the same node and resumes without duplicates', async () => {
  const seen = [];
  const c = client('dave', { backoffBaseMs: 50 });
  c.on('message', (m) => { seen.push(m.seq); });
  await c.connect();
  await server.publish('dave', { n: 1 });
  await until(() => seen.length === 1, 10000, 'first');
  const reconnected = nextEvent(c, 'registered');
  c._conn.t.abort(); // the socket dies without a close handshake
  for (let i = 2; i <= 10; i++) await server.publish('dave', { n: i });
  await reconnected;
  await until(() => seen.length >= 10, 10000, 'all 10');
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  await c.close();
});
