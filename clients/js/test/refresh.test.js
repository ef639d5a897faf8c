// Token refresh on a live connection (control: refresh, vpush.refresh) against a real vpush process with short tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VPushClient } from '../src/index.js';
import { startServer, nextEvent } from './harness.js';

let server;
// No clock skew allowed, a lead of 1 s: a token of a few seconds is warned, then expires, within the test.
before(async () => { server = await startServer({ VPUSH_JWT_LEEWAY_SECONDS: '0', VPUSH_JWT_REFRESH_AHEAD_SECONDS: '1' }); });
after(async () => { await server?.stop(); });

const expMs = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).exp * 1000;

test('control: refresh asks token() again and the connection outlives its first token', async () => {
  const tokens = [];
  const c = new VPushClient({
    url: server.base, clientId: 'r1',
    token: async () => { const t = server.token('rita', { expSeconds: tokens.length === 0 ? 3 : 5 }); tokens.push(t); return t; },
  });
  const states = [];
  c.on('state', (s) => states.push(s));
  let registered = 0;
  c.on('registered', () => registered++);
  await c.connect();
  const first = await nextEvent(c, 'refreshed', () => true, 15000);
  assert.equal(tokens.length, 2);
  assert.equal(first.deadline, expMs(tokens[1]));
  // The second token is warned about after the first one's exp: the connection was not closed at it.
  const second = await nextEvent(c, 'refreshed', () => true, 15000);
  assert.ok(Date.now() >= expMs(tokens[0]), 'the second refresh comes after the first token expired');
  assert.equal(second.deadline, expMs(tokens[2]));
  assert.equal(registered, 1, 'one register: no reconnect');
  assert.ok(!states.includes('disconnected'), `states ${states}`);
  const got = nextEvent(c, 'message');
  await server.publish('rita', { after: 'refresh' });
  assert.deepEqual((await got).payload, { after: 'refresh' });
  await c.close();
});

test('a refused refresh: the server closes with 4001 at exp and the client re-dials with a fresh token', async () => {
  let calls = 0;
  const c = new VPushClient({
    url: server.base, clientId: 'r2',
    // 1: a 2 s token; 2 (the refresh): another user's token, refused; 3 (the re-dial after 4001): a good one.
    token: async () => (++calls === 2 ? server.token('someone-else') : server.token('rob', { expSeconds: calls === 1 ? 2 : 3600 })),
  });
  const errors = [];
  c.on('error', (e) => errors.push(e));
  await c.connect();
  const dropped = nextEvent(c, 'state', (s, info) => s === 'disconnected' && info?.code === 4001, 15000);
  const again = nextEvent(c, 'registered', () => true, 20000);
  const [, info] = await dropped;
  assert.equal(info.reason, 'token expired');
  await again;
  assert.equal(calls, 3);
  assert.equal(c.state, 'connected');
  const refused = errors.find((e) => /token refresh failed/.test(e.message));
  assert.ok(refused, `errors: ${errors.map((e) => e.message)}`);
  assert.equal(refused.cause.failureType, 'access_denied');
  await c.close();
});
