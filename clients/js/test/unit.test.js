// Pure parts: backoff bounds, the stores, the entry points. No server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { backoffDelay, FileStore, MemoryStore, subjectOf, VPushClient } from '../src/index.js';
import { discoveryUrl, endpoints, wantsSockJS } from '../src/transport.js';

test('backoff: full jitter between 0 and min(max, base * 2^attempt)', () => {
  assert.equal(backoffDelay(0, 500, 30000, () => 0), 0);
  assert.equal(backoffDelay(0, 500, 30000, () => 0.999999), 499);
  assert.equal(backoffDelay(3, 500, 30000, () => 0.999999), 3999);
  assert.equal(backoffDelay(10, 500, 30000, () => 0.999999), 29999); // bounded
  assert.equal(backoffDelay(1e9, 500, 30000, () => 0.5), 15000);     // no overflow
});

test('FileStore keeps lastSeq across instances, writes atomically and coalesces', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vpush-')), 'seq.json');
  const a = new FileStore(file);
  assert.equal(await a.get('k'), null);
  await Promise.all([1, 2, 3, 4, 5].map((n) => a.set('k', n)));
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { k: '5' });
  assert.equal(await new FileStore(file).get('k'), '5');
});

test('MemoryStore', () => {
  const s = new MemoryStore();
  assert.equal(s.get('x'), null);
  s.set('x', 3);
  assert.equal(s.get('x'), '3');
});

test('node URLs: http or ws, with or without /eventbus', () => {
  for (const u of ['http://h:8080', 'http://h:8080/', 'ws://h:8080/eventbus/websocket', 'http://h:8080/eventbus']) {
    assert.deepEqual(endpoints(u), { websocket: 'ws://h:8080/eventbus/websocket', sockjs: 'http://h:8080/eventbus' });
  }
  assert.equal(endpoints('https://h/push').websocket, 'wss://h/push/eventbus/websocket');
  assert.equal(wantsSockJS(undefined), false); // Node: plain WebSocket
  assert.equal(wantsSockJS(['websocket']), false);
  assert.equal(wantsSockJS(['xhr-streaming']), true);
});

test('the user comes from the token sub; bad options are refused', () => {
  const tok = 'x.' + Buffer.from(JSON.stringify({ sub: 'ann' })).toString('base64url') + '.y';
  assert.equal(subjectOf(tok), 'ann');
  assert.throws(() => new VPushClient({ token: async () => tok }), /url/);
  assert.throws(() => new VPushClient({ url: 'http://h' }), /token/);
});

test('CommonJS entry exports the same API', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('../src/index.cjs');
  assert.equal(typeof cjs.VPushClient, 'function');
  assert.equal(typeof cjs.FileStore, 'function');
});

test('discoveryUrl: the /api/v1/connect beside any form of a node URL, with the user URL-encoded', () => {
  assert.equal(discoveryUrl('http://h:8080', 'alice'), 'http://h:8080/api/v1/connect?user=alice');
  assert.equal(discoveryUrl('ws://h:8080/eventbus/websocket', 'a b/c'), 'http://h:8080/api/v1/connect?user=a%20b%2Fc');
  assert.equal(discoveryUrl('wss://h/push/eventbus/?token=x', null), 'https://h/push/api/v1/connect');
  assert.equal(discoveryUrl('https://h/', undefined), 'https://h/api/v1/connect');
});
