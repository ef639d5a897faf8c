// A cluster's base URL: the client asks GET /api/v1/connect for the access nodes and dials what it names; when
// the answer is missing or useless it dials the configured URLs directly. The node advertises a TCP proxy in front
// of itself, so which address the client dialled is visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VPushClient, MemoryStore } from '../src/index.js';
import { freePort, nextEvent, startHttpFront, startProxy, startServer, until } from './harness.js';

let server;
let proxy;
before(async () => {
  const port = await freePort();
  proxy = await startProxy(port);
  server = await startServer({ VPUSH_ADVERTISED_URL: `ws://127.0.0.1:${proxy.port}/eventbus/websocket` }, { port });
});
after(async () => { await server?.stop(); await proxy?.close(); });

const advertisedWs = () => `ws://127.0.0.1:${proxy.port}/eventbus/websocket`;

function client(url, user, extra = {}) {
  const c = new VPushClient({ url, token: async () => server.token(user), clientId: 'd1', store: new MemoryStore(), ackIntervalMs: 20, backoffBaseMs: 50, ...extra });
  const seen = [];
  const urls = [];
  c.on('message', (m) => { seen.push(m.seq); });
  c.on('state', (s, info) => { if (s === 'connected') urls.push(info.url); });
  return { c, seen, urls };
}

test('discovery: the client dials the node that /api/v1/connect names (with ?user=), not the configured URL', async () => {
  const front = await startHttpFront(server.port);
  const { c, seen, urls } = client(front.base, 'disco');
  try {
    await c.connect();
    assert.deepEqual(urls, [advertisedWs()]);
    assert.ok(front.requests.includes('/api/v1/connect?user=disco'), JSON.stringify(front.requests));
    assert.ok(!front.requests.some((u) => u.startsWith('/eventbus')), 'nothing dialled through the configured URL');
    await server.publish('disco', { n: 1 });
    await until(() => seen.length === 1, 10000, 'the message over the discovered node');

    // The discovered list is used up when its only node drops; it registered us and is fresh, so it is dialled again
    // without asking (a reconnect storm is not a discovery storm too). The connection drops on the client's side, so
    // the re-dial finds the proxy up (a whole failed round would ask again, rightly).
    c._conn.t.abort();
    await server.publish('disco', { n: 2 });
    await until(() => urls.length === 2, 15000, 'a second connection');
    assert.equal(front.discoveries(), 1);
    assert.deepEqual(urls, [advertisedWs(), advertisedWs()]);
    await until(() => seen.length === 2, 10000, 'the message sent while away');
    assert.deepEqual(seen, [1, 2]);
  } finally {
    await c.close();
    await front.close();
  }
});

test('discovery: a list older than discoverMaxAgeMs is asked for again once used up', async () => {
  const front = await startHttpFront(server.port);
  const { c, urls } = client(front.base, 'disco-age', { discoverMaxAgeMs: 0 });
  try {
    await c.connect();
    assert.equal(front.discoveries(), 1);
    proxy.cut();
    await until(() => urls.length === 2, 15000, 'a second connection');
    assert.equal(front.discoveries(), 2);
    assert.deepEqual(urls, [advertisedWs(), advertisedWs()]);
  } finally {
    await c.close();
    await front.close();
  }
});

test('discovery over SockJS: the discovered node\'s sockjs URL is dialled', async () => {
  const { c, seen, urls } = client(server.base, 'disco-sj', { transports: ['xhr-streaming'] });
  try {
    await c.connect();
    assert.deepEqual(urls, [`http://127.0.0.1:${proxy.port}/eventbus`]);
    assert.equal(c._conn.t.kind, 'sockjs');
    await server.publish('disco-sj', { n: 1 });
    await until(() => seen.length === 1, 10000, 'the message over SockJS');
  } finally {
    await c.close();
  }
});

test('discovery asks each configured URL in turn: an unreachable first one does not stop it', async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const { c, urls } = client([dead, server.base], 'disco-2');
  try {
    await c.connect();
    assert.deepEqual(urls, [advertisedWs()]);
  } finally {
    await c.close();
  }
});

const broken = {
  '404': (req, res) => { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":"not_found"}'); },
  'bad JSON': (req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"nodes": [ oops'); },
  'no nodes': (req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"nodes":[],"maxAgeSeconds":5}'); },
  'no answer': () => { /* never answers: the client's timeout decides */ },
  'too large': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length to refuse it by
    // A usable list (a node that is not there), but past the client's cap: refused, not dialled.
    const nowhere = { id: 'x', websocket: 'ws://127.0.0.1:1/eventbus/websocket', sockjs: 'http://127.0.0.1:1/eventbus' };
    res.end(JSON.stringify({ nodes: [nowhere], pad: 'x'.repeat(300 * 1024) }));
  },
};
for (const [name, connect] of Object.entries(broken)) {
  test(`discovery fails (${name}): the client dials the configured URL directly`, async () => {
    const front = await startHttpFront(server.port, { connect });
    const user = 'fallback-' + name.replace(/\W/g, '');
    const { c, seen, urls } = client(front.base, user, { discoverTimeoutMs: 300 });
    const errors = [];
    c.on('error', (e) => errors.push(e.message));
    try {
      await c.connect();
      assert.deepEqual(urls, [front.base]);
      assert.ok(front.requests.includes('/eventbus/websocket'), JSON.stringify(front.requests));
      assert.ok(errors.some((m) => m.startsWith('discovery at')), JSON.stringify(errors));
      await server.publish(user, { n: 1 });
      await until(() => seen.length === 1, 10000, 'the message through the configured URL');
    } finally {
      await c.close();
      await front.close();
    }
  });
}

test('discover: false dials the configured URL and never asks for nodes', async () => {
  const front = await startHttpFront(server.port);
  const { c, urls } = client(front.base, 'no-disco', { discover: false });
  try {
    await c.connect();
    assert.deepEqual(urls, [front.base]);
    assert.equal(front.discoveries(), 0);
  } finally {
    await c.close();
    await front.close();
  }
});
