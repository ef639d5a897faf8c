// Kicks, auth failures, server-asked reconnects, dead connections and gaps, against real vpush processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VPushClient, MemoryStore } from '../src/index.js';
import { startServer, startProxy, until, nextEvent } from './harness.js';
import WebSocket from 'ws';

let server;
before(async () => { server = await startServer({ VPUSH_INBOX_CAP: '5' }); });
after(async () => { await server?.stop(); });

test('kicked (4003): the client stops reconnecting and says so in state', async () => {
  const c = new VPushClient({ url: server.base, token: async () => server.token('kim'), clientId: 'k1', backoffBaseMs: 10 });
  await c.connect();
  const closed = nextEvent(c, 'state', (s) => s === 'closed');
  // The same clientId connecting elsewhere kicks the first one.
  const other = new VPushClient({ url: server.base, token: async () => server.token('kim'), clientId: 'k1' });
  await other.connect();
  const [state, info] = await closed;
  assert.equal(state, 'closed');
  assert.equal(info.reason, 'kicked');
  assert.equal(c.closeReason, 'kicked');
  // It does not come back and kick the other one in turn.
  await server.publish('kim', { n: 1 });
  await until(async () => (await server.user('kim')).connections.length === 1, 5000, 'one connection');
  assert.equal(other.state, 'connected');
  await other.close();
});

test('a kick by its own instance (a late register of a connection it gave up on) makes the client connect again', async () => {
  const c = new VPushClient({ url: server.base, token: async () => server.token('kay'), clientId: 'k3', backoffBaseMs: 10 });
  await c.connect();
  const back = nextEvent(c, 'registered');
  // What the client's abandoned connection would do when its register reaches a node late: register with our instance.
  const stale = new WebSocket(server.base.replace('http', 'ws') + '/eventbus/websocket');
  const staleClosed = new Promise((r) => stale.on('close', (code) => r(code)));
  stale.on('open', () => stale.send(JSON.stringify({ type: 'register', address: 'vpush.user.kay',
    headers: { token: server.token('kay'), clientId: 'k3', instance: c._instance } })));
  await back;
  assert.equal(c.state, 'connected');
  assert.equal(c.closeReason, null);
  assert.equal(await staleClosed, 4003, 'the client registered again and replaced the stale connection');
  await c.close();
});

test('an operator kick stops the client too', async () => {
  const c = new VPushClient({ url: server.base, token: async () => server.token('ken'), clientId: 'k2' });
  await c.connect();
  const closed = nextEvent(c, 'state', (s) => s === 'closed');
  await server.kick('ken', 'k2');
  const [, info] = await closed;
  assert.equal(info.reason, 'kicked');
});

test('4001: token() is asked once more, and a fresh token connects', async () => {
  let calls = 0;
  const c = new VPushClient({
    url: server.base, clientId: 't1',
    token: async () => (++calls === 1 ? server.token('tom', { expSeconds: -60 }) : server.token('tom')),
  });
  await c.connect();
  assert.equal(calls, 2);
  assert.equal(c.state, 'connected');
  await c.close();
});

test('4001 twice: the client stops with an error', async () => {
  let calls = 0;
  const errors = [];
  const c = new VPushClient({ url: server.base, clientId: 't2', token: async () => { calls++; return server.token('tim', { expSeconds: -60 }); } });
  c.on('error', (e) => errors.push(e));
  await assert.rejects(c.connect(), /authentication failed/);
  assert.equal(calls, 2);
  assert.equal(c.state, 'closed');
  assert.equal(c.closeReason, 'auth');
  assert.ok(errors.some((e) => /authentication failed/.test(e.message)));
});

test('a connection that stops answering is dropped and re-dialled; nothing is lost', async () => {
  const proxy = await startProxy(server.port);
  const seen = [];
  const c = new VPushClient({
    url: `http://127.0.0.1:${proxy.port}`, token: async () => server.token('pia'), clientId: 'p1',
    pingIntervalMs: 100, deadAfterMs: 600, backoffBaseMs: 20,
    discover: false, // through the proxy: the node's advertised URL (what discovery names) goes around it
  });
  c.on('message', (m) => { seen.push(m.seq); });
  await c.connect();
  await server.publish('pia', { n: 1 });
  await until(() => seen.length === 1, 10000, 'first');
  const redialled = nextEvent(c, 'registered', () => true, 10000);
  proxy.freeze(); // the socket stays open but carries nothing, in either direction
  await server.publish('pia', { n: 2 });
  await redialled;
  await until(() => seen.length === 2, 10000, 'second after the re-dial');
  assert.deepEqual(seen, [1, 2]);
  await c.close();
  await proxy.close();
});

test('expired messages: the client syncs over the hole and raises gap, never a silent skip', async () => {
  const store = new MemoryStore();
  const seen = [];
  const c = new VPushClient({ url: server.base, token: async () => server.token('gus'), clientId: 'g1', store });
  c.on('message', (m) => { seen.push(m.seq); });
  await c.connect();
  await server.publish('gus', { n: 1 });
  await until(() => seen.length === 1, 10000, 'first');
  await c.close();
  for (let i = 2; i <= 11; i++) await server.publish('gus', { n: i }); // the inbox keeps the last 5: 7..11
  const c2 = new VPushClient({ url: server.base, token: async () => server.token('gus'), clientId: 'g1', store });
  const gaps = [];
  c2.on('gap', (g) => gaps.push(g));
  c2.on('message', (m) => { seen.push(m.seq); });
  await c2.connect();
  await until(() => seen.length === 6, 10000, 'the retained five');
  assert.deepEqual(seen, [1, 7, 8, 9, 10, 11]);
  assert.equal(gaps.length, 1);
  assert.equal(gaps[0].from, 2);
  assert.equal(gaps[0].reason, 'expired');
  await c2.close();
});

test('control reconnect: on a graceful shutdown the client waits afterMs and moves to the next node', async () => {
  const second = await startServer({ VPUSH_JWT_SECRET: server.secret, VPUSH_API_KEY: server.apiKey });
  const first = await startServer({ VPUSH_JWT_SECRET: server.secret, VPUSH_API_KEY: server.apiKey });
  let c;
  try {
    c = new VPushClient({ url: [first.base, second.base], token: async () => first.token('rex'), clientId: 'r1' });
    const registered = [];
    c.on('registered', (r) => registered.push(r.node));
    await c.connect();
    const onSecond = nextEvent(c, 'registered', () => true, 30000);
    const closes = [];
    c.on('state', (s, info) => { if (s === 'disconnected') closes.push(info); });
    await first.stop('SIGTERM');
    await onSecond;
    assert.equal(registered.length, 2);
    assert.notEqual(registered[0], registered[1]);
    assert.equal(closes.length, 1);
    assert.equal(closes[0].code, 1012);
    assert.equal(typeof closes[0].afterMs, 'number'); // the server's control: reconnect was honoured
    assert.equal(closes[0].retryInMs, closes[0].afterMs);
    await second.publish('rex', { n: 1 });
  } finally {
    await c?.close(); // also when an assertion failed: a client left re-dialling keeps the test process alive
    await first.stop();
    await second.stop();
  }
});
