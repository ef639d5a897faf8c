// The same guarantees over SockJS (sockjs-client in Node), its WebSocket transport and a streaming fallback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VPushClient, MemoryStore } from '../src/index.js';
import { startServer, until, nextEvent } from './harness.js';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

for (const transport of ['websocket', 'xhr-streaming', 'xhr-polling']) {
  test(`SockJS ${transport}: delivery in order, catch-up after a reconnect, no redelivery of what was acked`, async () => {
    const user = 'sj-' + transport;
    const store = new MemoryStore();
    const seen = [];
    // 'websocket' alone means plain WebSocket; listing it with another SockJS name selects SockJS.
    const transports = transport === 'websocket' ? ['websocket', 'xhr-streaming'] : [transport];
    const make = () => new VPushClient({ url: server.base, token: async () => server.token(user), clientId: 's1', store, transports, ackIntervalMs: 20 });
    const c = make();
    c.on('message', (m) => { seen.push(m.seq); });
    await c.connect();
    assert.equal(c._conn.t.kind, 'sockjs');
    for (let i = 1; i <= 3; i++) await server.publish(user, { n: i });
    await until(() => seen.length === 3, 15000, 'three live messages');
    await until(async () => (await server.user(user)).lastSeq === 3, 5000, 'published');
    await c.close();
    for (let i = 4; i <= 6; i++) await server.publish(user, { n: i });
    const c2 = make();
    c2.on('message', (m) => { seen.push(m.seq); });
    await c2.connect();
    await until(() => seen.length === 6, 15000, 'catch-up');
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
    await c2.close();
  });
}

// Polling transports close with 3000 whatever the server's code: the client learns of the kick from the control frame
// before the close, which the server must not drop (SockJsTransport.close waits for it).
test('SockJS: a kick stops the client even on a polling transport (whose close code is always 3000)', async () => {
  const c = new VPushClient({ url: server.base, token: async () => server.token('sj-kick'), clientId: 'k', transports: ['xhr-polling'] });
  try {
    await c.connect();
    const closed = nextEvent(c, 'state', (s) => s === 'closed', 15000);
    await server.kick('sj-kick', 'k');
    const [, info] = await closed;
    assert.equal(info.reason, 'kicked');
  } finally {
    await c.close(); // a client that missed the kick would re-dial for ever and keep the run from ending
  }
});

test('SockJS: an auth failure stops the client on a polling transport too (the access_denied before the close arrives)', async () => {
  let calls = 0;
  const c = new VPushClient({ url: server.base, clientId: 'a', transports: ['xhr-polling'], backoffBaseMs: 10,
    token: async () => { calls++; return server.token('sj-auth', { expSeconds: -60 }); } });
  try {
    await assert.rejects(c.connect(), /authentication failed/);
    assert.equal(c.closeReason, 'auth');
    assert.equal(calls, 2);
  } finally {
    await c.close();
  }
});
