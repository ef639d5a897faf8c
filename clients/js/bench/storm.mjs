// The JS side of `vpush bench reconnect-js`: N clients of one user each in this one Node process, either through
// the SDK (`--mode sdk`: VPushClient, a real message handler, acks by the SDK) or as plain `ws` WebSockets with
// hand-written bridge frames (`--mode raw`: register with lastSeq, cumulative ack once per burst; the same work
// minus the SDK). It obeys the bench's fleet-agent protocol (bench/.../FleetAgent.java, ForkedFleet.java), one
// command a line on stdin, one answer a line on stdout, and a `STAT <counters>` line every quarter second:
//
//   CONNECT                    -> CONNECTED {registered, failed, durationMs}
//   ACKS on|off                -> OK              off: messages are left unacked (sdk: the handler holds them)
//   RECONNECT <replay> <ms>    -> RECONNECTED {reconnected, failed, registeredMs, caughtUp, caughtUpMs, missing}
//                                 drop every connection (close handshake), reconnect all with the last acked seq,
//                                 wait until each has acked everything it had seen before the drop
//   FINISH                     -> FINISHED {counters}, then exits
//
// Options: --mode sdk|raw --url http://host:port --tokens FILE (one "user<TAB>token" a line, client i = line i)
// --connect-concurrency 200 --connect-timeout-ms 15000. Not under test/: `node --test` must not pick it up.

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { VPushClient, MemoryStore } from '../src/index.js';

const opts = parseArgs(process.argv.slice(2));
const mode = opts.mode || 'sdk';
if (mode !== 'sdk' && mode !== 'raw') fail(`--mode must be sdk or raw, not ${mode}`);
if (!opts.url || !opts.tokens) fail('--url and --tokens are required');
const concurrency = Number(opts['connect-concurrency'] || 200);
const connectTimeoutMs = Number(opts['connect-timeout-ms'] || 15000);
const wsUrl = opts.url.replace(/^http/, 'ws').replace(/\/+$/, '') + '/eventbus/websocket';

// The raw clients ping as the SDK does (its pingIntervalMs default): the server closes a silent connection, and
// the pings and pongs are part of the work the SDK is compared with.
const PING_MS = 5000;

const counters = {
  registered: 0, connectErrors: 0, delivered: 0, acksSent: 0, ackedMessages: 0, errFrames: 0,
  closedUnexpectedly: 0, duplicates: 0, gaps: 0,
};
let acking = true;

// ---- the raw client: what the SDK does on this path, written out by hand ------------------------------------

class RawClient {
  constructor(user, token, clientId) {
    this.user = user; this.token = token; this.clientId = clientId;
    this.ws = null; this.closing = false;
    this.highestSeq = 0; this.lastAcked = 0; this.ackScheduled = false;
    this.replayNext = 1; this.replayTarget = 0;
  }

  connect(lastSeq) {
    this.closing = false;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
      this.ws = ws;
      this.registered = { resolve, reject };
      ws.on('open', () => {
        const headers = { token: this.token, clientId: this.clientId };
        if (lastSeq !== null) headers.lastSeq = String(lastSeq);
        this.lastSend = Date.now();
        ws.send(JSON.stringify({ type: 'register', address: 'vpush.user.' + this.user, headers }));
      });
      ws.on('message', (data) => this.onFrame(data.toString()));
      ws.on('error', () => { /* the close event follows */ });
      ws.on('close', () => {
        if (ws === this.ws && !this.closing) counters.closedUnexpectedly++;
        reject(new Error('closed before registered'));
        this.onGone?.();
      });
    });
  }

  onFrame(text) {
    let f;
    try { f = JSON.parse(text); } catch { return; }
    if (f.type === 'err') { counters.errFrames++; return this.registered?.reject(new Error(`err ${f.failureType}`)); }
    if (f.type !== 'rec' || !f.headers) return;
    if (f.headers.control) { if (f.headers.control === 'registered') this.registered?.resolve(); return; }
    this.onMessage(Number(f.headers.seq));
  }

  onMessage(seq) {
    if (seq > 0 && seq <= this.replayTarget) {
      if (seq === this.replayNext) this.replayNext++;
    } else if (seq <= this.highestSeq) {
      // The server re-sends what stays unacked (acks off): not a delivery, so it cannot pass the bench's
      // "every unacked message arrived" barrier before the originals did.
      counters.duplicates++;
    } else {
      counters.delivered++;
      if (seq > this.highestSeq + 1) counters.gaps += seq - this.highestSeq - 1;
      this.highestSeq = seq;
    }
    if (!acking || this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => this.sendAck()); // after the frames already read: one cumulative ack per burst
  }

  sendAck() {
    this.ackScheduled = false;
    const upTo = Math.max(this.highestSeq, this.replayNext - 1);
    if (!acking || this.closing || upTo <= this.lastAcked || this.ws.readyState !== WebSocket.OPEN) return;
    counters.acksSent++;
    counters.ackedMessages += upTo - this.lastAcked;
    this.lastAcked = upTo;
    this.lastSend = Date.now();
    this.ws.send(`{"type":"send","address":"vpush.ack","body":{"seq":${upTo}}}`);
  }

  pingIfIdle(now) {
    if (this.closing || !this.ws || this.ws.readyState !== WebSocket.OPEN || now - this.lastSend < PING_MS) return;
    this.lastSend = now;
    this.ws.send('{"type":"ping"}');
  }

  drop() {
    this.closing = true;
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => { this.onGone = resolve; ws.close(1000); });
  }

  reconnect() { return this.connect(this.lastAcked); }

  expectReplay() { this.replayTarget = this.highestSeq; this.replayNext = this.lastAcked + 1; }

  caughtUp() { return this.lastAcked >= this.replayTarget; }

  missing() { return Math.max(0, this.replayTarget - Math.max(this.lastAcked, this.replayNext - 1)); }
}

// ---- the SDK client -----------------------------------------------------------------------------------------

// What a held handler is rejected with at the drop: no Error, so the bench's release captures no stack trace.
const RELEASED = Object.freeze({ message: 'released by the bench' });

class SdkClient {
  constructor(user, token, clientId) {
    this.user = user;
    // discover: false: the storm measures the reconnect itself against the raw client, which dials the node directly;
    // with discovery a reconnect adds a GET /api/v1/connect only when the known list is older than discoverMaxAgeMs.
    this.client = new VPushClient({ url: opts.url, token: async () => token, clientId, store: new MemoryStore(), discover: false });
    this.held = null;        // while acks are off: the handler of the first unacked message waits on this
    this.entered = 0;        // messages that reached the handler while acks were off
    this.highestSeq = 0; this.acked = 0; this.replayTarget = 0; this.closing = false;
    this.client.on('message', (m) => this.onMessage(m));
    this.client.on('ack', (seq) => { counters.acksSent++; counters.ackedMessages += seq - this.acked; this.acked = seq; });
    this.client.on('error', (e) => { if (e !== RELEASED) counters.errFrames++; });
    this.client.on('state', (s) => { if (s === 'disconnected' && !this.closing) counters.closedUnexpectedly++; });
  }

  onMessage(m) {
    if (m.seq <= this.replayTarget) return undefined; // the catch-up after a reconnect
    if (m.seq <= this.highestSeq) { counters.duplicates++; return undefined; } // never: the SDK drops them
    counters.delivered++;
    this.highestSeq = m.seq;
    if (acking) return undefined;
    // Acks off: the app has not finished with this message when the connection drops, so the SDK must not ack it
    // (nor the ones queued behind it); the server replays them all after the reconnect.
    return new Promise((resolve, reject) => { this.held = reject; });
  }

  /** The highest seq that reached this client: the handler's or one queued behind it (a peek at the SDK's
   *  private queue, for the bench's "every unacked message arrived" barrier only). */
  heldHighest() {
    let top = this.highestSeq;
    for (const item of this.client._conn?.queue ?? []) if (item.kind === 'message' && item.m.seq > top) top = item.m.seq;
    return top;
  }

  /** Messages queued behind the held one, re-sends not counted (seqs of one user's stream are contiguous). */
  heldCount() {
    return this.held && !this.counted ? this.heldHighest() - this.highestSeq : 0;
  }

  connect() { this.closing = false; return this.client.connect(); }

  async drop() {
    this.closing = true;
    counters.delivered += this.heldCount(); // the queue goes with the connection; they did arrive
    this.highestSeq = this.heldHighest();
    this.counted = true;
    await this.client.close();
    this.counted = false;
    // Released after the close, so that the failed handler cannot make the SDK re-dial by itself.
    const held = this.held;
    this.held = null;
    held?.(RELEASED);
  }

  reconnect() { return this.connect(); }

  expectReplay() { this.replayTarget = this.highestSeq; }

  caughtUp() { return this.acked >= this.replayTarget; }

  missing() { return Math.max(0, this.replayTarget - this.client.lastSeq); }
}

// ---- the fleet ----------------------------------------------------------------------------------------------

const lines = readFileSync(opts.tokens, 'utf8').split('\n').filter((l) => l.length > 0);
const clients = lines.map((l, i) => {
  const [user, token] = l.split('\t');
  return mode === 'sdk' ? new SdkClient(user, token, 'c' + i) : new RawClient(user, token, 'c' + i);
});

if (mode === 'raw') {
  setInterval(() => { const now = Date.now(); for (const c of clients) c.pingIfIdle(now); }, PING_MS / 5).unref();
}

function withTimeout(p, ms) {
  let timer;
  return Promise.race([p, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms); })])
    .finally(() => clearTimeout(timer));
}

/** Runs op(i) for every client with at most `concurrency` in flight; resolves with the number that failed. */
async function forAll(op) {
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < clients.length) {
      const i = next++;
      try { await withTimeout(op(i), connectTimeoutMs); counters.registered++; } catch { failed++; counters.connectErrors++; }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return failed;
}

async function connectAll() {
  const start = performance.now();
  const failed = await forAll((i) => (mode === 'sdk' ? clients[i].connect() : clients[i].connect(null)));
  return { registered: clients.length - failed, failed, durationMs: performance.now() - start };
}

async function reconnectAll(replay, deadlineMs) {
  const start = performance.now();
  const deadline = Date.now() + deadlineMs;
  await Promise.all(clients.map((c) => c.drop()));
  acking = true;
  if (replay) clients.forEach((c) => c.expectReplay());
  const failed = await forAll((i) => clients[i].reconnect());
  const registeredMs = performance.now() - start;
  const r = { reconnected: clients.length - failed, failed, registeredMs };
  if (!replay) return r;
  let all = false;
  while (!(all = clients.every((c) => c.caughtUp())) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  return {
    ...r, caughtUp: clients.filter((c) => c.caughtUp()).length, caughtUpMs: all ? performance.now() - start : null,
    missing: clients.reduce((s, c) => s + c.missing(), 0),
  };
}

function snapshot() {
  // While the SDK holds messages, the ones queued behind the handler have arrived too.
  const held = mode === 'sdk' && !acking ? clients.reduce((s, c) => s + Math.max(0, c.heldCount()), 0) : 0;
  return { ...counters, delivered: counters.delivered + held };
}

const say = (line) => process.stdout.write(line + '\n');
const stat = setInterval(() => say('STAT ' + JSON.stringify(snapshot())), 250);

const rl = createInterface({ input: process.stdin });
const queue = [];
let busy = false;
rl.on('line', (line) => { queue.push(line.trim()); run(); });
rl.on('close', () => process.exit(0)); // the bench went away
// The bench stops its children with SIGTERM: exit normally, so that `--cpu-prof` still writes its profile.
process.on('SIGTERM', () => process.exit(0));

async function run() {
  if (busy) return;
  busy = true;
  while (queue.length) {
    const w = queue.shift().split(' ');
    try {
      switch (w[0]) {
        case 'CONNECT': say('CONNECTED ' + JSON.stringify(await connectAll())); break;
        case 'ACKS': acking = w[1] === 'on'; say('OK'); break;
        case 'RECONNECT': say('RECONNECTED ' + JSON.stringify(await reconnectAll(w[1] === 'true', Number(w[2])))); break;
        case 'FINISH':
          clearInterval(stat);
          await Promise.all(clients.map((c) => c.drop()));
          say('FINISHED ' + JSON.stringify({ counters: snapshot() }));
          process.exit(0);
          break;
        default: say('ERROR unknown command ' + w[0]);
      }
    } catch (e) {
      say('ERROR ' + String(e?.stack || e).replace(/\n/g, ' | '));
    }
  }
  busy = false;
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) o[argv[i].slice(2)] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
  }
  return o;
}

function fail(msg) { process.stderr.write('storm: ' + msg + '\n'); process.exit(64); }
