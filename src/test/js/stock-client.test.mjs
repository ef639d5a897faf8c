// The unmodified Vert.x event-bus bridge client (npm @vertx/eventbus-bridge-client.js over sockjs-client)
// against a running vpush node: the wire contract of docs protocol sections 2-6, as a third-party client sees it.
//
// Inputs (environment; VPUSH_TEST_* because vpush itself rejects unknown VPUSH_* variables):
//   VPUSH_TEST_URL      base URL of the node, e.g. http://127.0.0.1:8080
//   VPUSH_TEST_API_KEY  API key for POST /api/v1/messages
//   VPUSH_TEST_USER     a user id with no messages yet (a fresh id per run keeps reruns independent)
//   VPUSH_TEST_TOKEN    a JWT for that user (sub = VPUSH_TEST_USER)
//   VPUSH_TEST_WAIT_MS  optional: how long to wait for any one frame or reply (default 10000)
// StockJsClientIT sets them; by hand: `VPUSH_TEST_URL=... node --test stock-client.test.mjs` in this folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import EventBus from '@vertx/eventbus-bridge-client.js';

const require = createRequire(import.meta.url);
const WAIT_MS = Number(process.env.VPUSH_TEST_WAIT_MS ?? 10_000);

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is required (see the head of this file)`);
  return v;
}

/** A FIFO of events that tests await one at a time, each with a deadline. */
class Queue {
  #items = [];
  #waiters = [];

  push(item) {
    const w = this.#waiters.shift();
    if (w) w(item);
    else this.#items.push(item);
  }

  next(what) {
    if (this.#items.length) return Promise.resolve(this.#items.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(done), 1);
        reject(new Error(`no ${what} within ${WAIT_MS} ms`));
      }, WAIT_MS);
      const done = (item) => { clearTimeout(timer); resolve(item); };
      this.#waiters.push(done);
    });
  }
}

/** One stock EventBus connection, with its user-stream frames, unhandled errors and close as queues. */
class Conn {
  frames = new Queue();   // what the registerHandler callback got: the frame, or {err} for an err frame
  errors = new Queue();   // eb.onerror: err frames nobody waited for
  closes = new Queue();   // eb.onclose events

  static async open(base) {
    const c = new Conn();
    c.eb = new EventBus(`${base}/eventbus`);
    c.eb.onerror = (e) => c.errors.push(e);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not open within ${WAIT_MS} ms`)), WAIT_MS);
      c.eb.onopen = () => { clearTimeout(timer); resolve(); };
      c.eb.onclose = (e) => { clearTimeout(timer); reject(new Error(`closed before open: ${e && e.code}`)); };
    });
    c.eb.onclose = (e) => c.closes.push(e);
    return c;
  }

  register(address, headers) {
    this.eb.registerHandler(address, headers, (err, msg) => this.frames.push(err ? { err } : msg));
  }

  next(what = 'frame') {
    return this.frames.next(what);
  }

  /** A send with a callback: resolves with the reply frame, rejects with the err the stock client hands over. */
  request(address, body) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply from ${address} within ${WAIT_MS} ms`)), WAIT_MS);
      this.eb.send(address, body, {}, (err, reply) => {
        clearTimeout(timer);
        if (err) reject(Object.assign(new Error(`err ${err.failureType}`), err));
        else resolve(reply);
      });
    });
  }

  async close() {
    if (this.eb.state === EventBus.CLOSED) return;
    this.eb.close();
    await this.closes.next('close');
  }
}

const BASE = env('VPUSH_TEST_URL').replace(/\/$/, '');
const API_KEY = env('VPUSH_TEST_API_KEY');
const USER = env('VPUSH_TEST_USER');
const TOKEN = env('VPUSH_TEST_TOKEN');
const STREAM = `vpush.user.${USER}`;
const CLIENT_ID = 'stock-node-1';

async function publish(payload) {
  const res = await fetch(`${BASE}/api/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: USER, payload }),
  });
  const text = await res.text();
  assert.equal(res.status, 202, `publish answered ${res.status}: ${text}`);
  const answer = JSON.parse(text);
  assert.equal(typeof answer.id, 'string');
  assert.ok(Number.isInteger(answer.seq) && answer.seq > 0, `seq ${answer.seq}`);
  return { ...answer, payload };
}

async function expectRegistered(c) {
  const f = await c.next('control: registered');
  assert.equal(f.err, undefined, `register failed: ${JSON.stringify(f.err)}`);
  assert.equal(f.type, 'rec');
  assert.equal(f.address, STREAM);
  assert.equal(f.headers.control, 'registered');
  assert.equal(typeof f.body.lastSeq, 'number');
  assert.equal(typeof f.body.node, 'string');
  return f;
}

/** The next frame on the user stream must be exactly this published message. */
async function expectMessage(c, m) {
  const f = await c.next(`message seq ${m.seq}`);
  assert.equal(f.err, undefined, `got an err frame: ${JSON.stringify(f.err)}`);
  assert.equal(f.type, 'rec');
  assert.equal(f.address, STREAM);
  assert.equal(f.headers.control, undefined, `expected seq ${m.seq}, got control ${f.headers.control}`);
  // Bridge headers are strings (protocol section 6).
  assert.deepEqual({ id: f.headers.id, seq: f.headers.seq }, { id: m.id, seq: String(m.seq) });
  assert.match(f.headers.ts, /^\d+$/);
  assert.deepEqual(f.body, m.payload);
}

/** In a sync reply seq and ts are numbers. */
function assertSynced(actual, expected) {
  assert.deepEqual(actual.map((x) => ({ id: x.id, seq: x.seq, body: x.body })),
    expected.map((m) => ({ id: m.id, seq: m.seq, body: m.payload })));
  for (const x of actual) assert.ok(Number.isInteger(x.ts) && x.ts > 0, `ts ${x.ts}`);
}

test('the demo page ships the stock client byte for byte', () => {
  // webroot/js/vertx-eventbus.js is a copy of the npm package pinned in package-lock.json; keep it so.
  const shipped = readFileSync(new URL('../../main/resources/webroot/js/vertx-eventbus.js', import.meta.url));
  const pinned = readFileSync(require.resolve('@vertx/eventbus-bridge-client.js'));
  assert.ok(shipped.equals(pinned), 'webroot/js/vertx-eventbus.js differs from node_modules/@vertx/eventbus-bridge-client.js');
});

test('stock event-bus client against vpush', async (t) => {
  const open = [];
  const connect = async () => { const c = await Conn.open(BASE); open.push(c); return c; };
  t.after(() => Promise.all(open.map((c) => c.close())));
  const sent = [];
  let live; // the connection of the first few steps

  await t.test('register without lastSeq gets control registered, then every retained message', async () => {
    sent.push(await publish({ n: 1, text: 'before connect' }));
    const c = await connect();
    c.register(STREAM, { token: TOKEN, clientId: CLIENT_ID, device: 'web' });
    await expectRegistered(c);
    await expectMessage(c, sent[0]);
    live = c;
  });

  await t.test('a message published while connected arrives live', async () => {
    sent.push(await publish({ n: 2, nested: { ok: true, list: [1, 'two'] } }));
    await expectMessage(live, sent[1]);
  });

  await t.test('acks: a plain send, and a send with a callback that gets a reply', async () => {
    live.eb.send('vpush.ack', { seq: sent[0].seq });
    const reply = await live.request('vpush.ack', { seq: sent[1].seq });
    assert.equal(reply.type, 'rec');
  });

  await t.test('sync replies with messages, lastSeq and more', async () => {
    const all = (await live.request('vpush.sync', { since: 0, limit: 100 })).body;
    assertSynced(all.messages, sent);
    assert.equal(all.lastSeq, sent[1].seq);
    assert.equal(all.more, false);

    const first = (await live.request('vpush.sync', { since: 0, limit: 1 })).body;
    assertSynced(first.messages, sent.slice(0, 1));
    assert.equal(first.more, true);

    const none = (await live.request('vpush.sync', { since: sent[1].seq, limit: 10 })).body;
    assert.deepEqual(none.messages, []);
    assert.equal(none.lastSeq, sent[1].seq);
    assert.equal(none.more, false);
  });

  await t.test('sends to a forbidden address get err frames', async () => {
    // With a callback the err comes back at the replyAddress ...
    await assert.rejects(live.request('vpush.publish', { user: USER, payload: {} }),
      { failureCode: 403, failureType: 'access_denied' });
    // ... without one, at the address itself, which the stock client hands to eb.onerror.
    live.eb.send('not.a.vpush.address', { x: 1 });
    const e = await live.errors.next('err frame on eb.onerror');
    assert.equal(e.type, 'err');
    assert.equal(e.address, 'not.a.vpush.address');
    assert.equal(e.failureType, 'access_denied');
  });

  await t.test('disconnect', async () => {
    await live.close();
    assert.equal(live.eb.state, EventBus.CLOSED);
  });

  await t.test('reconnect with the lastSeq header gets exactly the missed messages, in order', async () => {
    for (let n = 3; n <= 5; n++) sent.push(await publish({ n, text: 'while offline' }));
    const c = await connect();
    c.register(STREAM, { token: TOKEN, clientId: CLIENT_ID, device: 'web', lastSeq: String(sent[1].seq) });
    await expectRegistered(c);
    for (const m of sent.slice(2)) await expectMessage(c, m);
    // A live message right behind them proves nothing was repeated or skipped in the hand-over.
    sent.push(await publish({ n: 6, text: 'live after catch-up' }));
    await expectMessage(c, sent[5]);
    await c.request('vpush.ack', { seq: sent[5].seq });
    await c.close();
  });

  await t.test('reconnect without lastSeq resumes from the acked cursor', async () => {
    const c = await connect();
    c.register(STREAM, { token: TOKEN, clientId: CLIENT_ID, device: 'web' });
    await expectRegistered(c);
    sent.push(await publish({ n: 7 }));
    await expectMessage(c, sent[6]);
    await c.close();
  });

  await t.test('the lastSeq header wins over the stored cursor', async () => {
    const c = await connect();
    c.register(STREAM, { token: TOKEN, clientId: CLIENT_ID, device: 'web', lastSeq: String(sent[4].seq) });
    await expectRegistered(c);
    await expectMessage(c, sent[5]);
    await expectMessage(c, sent[6]);
    await c.close();
  });

  await t.test('a send before register is refused with not_registered', async () => {
    const c = await connect();
    await assert.rejects(c.request('vpush.sync', { since: 0 }), { failureCode: 409, failureType: 'not_registered' });
    await c.close();
  });

  await t.test("registering another user's stream is refused and the connection closed with 4001", async () => {
    const c = await connect();
    c.register(`${STREAM}-other`, { token: TOKEN, clientId: 'stock-node-2' });
    const f = await c.next('err access_denied');
    assert.equal(f.err?.failureType, 'access_denied', JSON.stringify(f));
    const close = await c.closes.next('close 4001');
    assert.equal(close.code, 4001);
  });
});
