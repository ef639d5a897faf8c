// VPushClient: the reliability half of the vpush protocol (docs/protocol.md) as a library. It keeps lastSeq in a
// store, registers with it, processes each seq once and in order, acks after the handler, syncs over holes and
// reconnects with backoff. All of its per-stream state is a handful of numbers: nothing grows with the stream.

import { backoffDelay } from './backoff.js';
import { defaultStore } from './stores.js';
import { discoveryUrl, openTransport, wantsSockJS } from './transport.js';

const DEFAULTS = {
  device: undefined,
  transports: undefined,
  ackIntervalMs: 200,        // an ack leaves at most this long after the handler of its seq resolved...
  ackMaxMessages: 50,        // ...or at once after this many processed messages
  pingIntervalMs: 5000,      // the stock client's interval; the server closes after idle.timeoutMs (30 s) of silence
  deadAfterMs: 15000,        // a connection that brings nothing (not even a pong) for this long is dropped
  backoffBaseMs: 500,
  backoffMaxMs: 30000,
  stableAfterMs: 10000,      // a connection registered this long resets the backoff
  maxQueuedMessages: 1000,   // messages waiting for the handler; past it the connection is dropped (the server keeps them)
  maxOutboundBytes: 1 << 20, // bytes the socket has not sent yet; past it the connection is dropped
  syncLimit: 100,
  syncTimeoutMs: 10000,
  discover: true,            // ask <url>/api/v1/connect for the cluster's access nodes before dialling
  discoverTimeoutMs: 2000,   // per configured URL; past it the next one is asked, then the URLs are dialled directly
  discoverMaxAgeMs: 60000,   // a discovered list that reached a node is dialled again, round after round, for this long
};

/** A vpush client: exactly-once, in-order delivery of a user's stream to `on('message')` handlers. */
export class VPushClient {
  constructor(options = {}) {
    if (!options.url) throw new TypeError('url is required');
    if (typeof options.token !== 'function' && typeof options.token !== 'string') {
      throw new TypeError('token must be an async function (or a string)');
    }
    this.options = { ...DEFAULTS, ...options };
    this.urls = Array.isArray(options.url) ? [...options.url] : [options.url];
    if (this.urls.length === 0) throw new TypeError('url must name at least one node');
    this.clientId = options.clientId || null;
    // Sent with every register: a kick naming it came from a late register of one of our own older connections.
    this._instance = newInstanceId();
    this.user = options.user || null;
    this.store = options.store || defaultStore();

    this.state = 'disconnected';
    this.closeReason = null;      // why the client stopped: 'closed', 'kicked', 'auth', or an error message
    this.node = null;             // the node id of the current registration
    this.lastSeq = 0;             // the highest seq processed (and stored)
    this._listeners = new Map();
    this._topics = new Map();     // topic -> Set of handlers
    this._round = [];             // the URLs still to dial before asking for nodes again (discovered or configured)
    this._discoverIndex = 0;      // the configured URL asked first for nodes
    this._known = null;           // the last discovered list, when it was asked, and whether a node of it registered us
    this._knownAt = 0;
    this._knownWorked = false;
    this._attempt = 0;
    this._authRetried = false;
    this._stopped = true;
    this._conn = null;            // the current connection's record, see _dial
    this._timer = null;           // the reconnect timer
    this._loaded = false;
    this._connectWaiters = [];
    this._persist = Promise.resolve();
  }

  // ---- events --------------------------------------------------------------------------------------------------

  /** Adds a listener: 'message', 'state', 'gap', 'error', 'registered'. Returns a function that removes it. */
  on(event, fn) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(fn);
    return () => this.off(event, fn);
  }

  off(event, fn) { this._listeners.get(event)?.delete(fn); }

  _emit(event, ...args) {
    for (const fn of this._listeners.get(event) || []) {
      try { fn(...args); } catch (e) { if (event !== 'error') this._emit('error', e); }
    }
  }

  _setState(state, info) {
    if (this.state === state) return;
    this.state = state;
    this._emit('state', state, info || {});
  }

  // ---- public API --------------------------------------------------------------------------------------------

  /** Subscribes to a topic (at most once delivery, no seq). Returns a function that unsubscribes. */
  subscribe(topic, handler) {
    let set = this._topics.get(topic);
    const fresh = !set;
    if (fresh) this._topics.set(topic, set = new Set());
    set.add(handler);
    if (fresh && this._conn?.registered) this._conn.t.send({ type: 'register', address: 'vpush.topic.' + topic, headers: {} });
    return () => {
      set.delete(handler);
      if (set.size === 0 && this._topics.get(topic) === set) {
        this._topics.delete(topic);
        if (this._conn?.registered) this._conn.t.send({ type: 'unregister', address: 'vpush.topic.' + topic });
      }
    };
  }

  /** Starts the client. Resolves once the user stream is registered; rejects if the client stops before. */
  connect() {
    if (this.state === 'connected') return Promise.resolve();
    const p = new Promise((resolve, reject) => this._connectWaiters.push({ resolve, reject }));
    if (this._stopped) {
      this._stopped = false;
      this.closeReason = null;
      this._attempt = 0;
      this._authRetried = false;
      this._dial();
    }
    return p;
  }

  /** Stops the client: flushes the pending ack, closes the connection, stops reconnecting. */
  async close() {
    if (this._stopped && !this._conn) { this._stop('closed'); return; }
    const conn = this._conn;
    this._stopped = true;
    clearTimeout(this._timer);
    if (conn) {
      await this._flushAck(conn).catch(() => {});
      const closed = new Promise((resolve) => { conn.onGone = resolve; });
      conn.t.close(1000, 'client closed');
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    }
    this._stop('closed');
  }

  // ---- connection lifecycle ----------------------------------------------------------------------------------

  async _dial() {
    if (this._stopped) return;
    this._setState('connecting');
    let token;
    let url;
    try {
      token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
      if (!this.user) this.user = subjectOf(token);
      if (!this._loaded) await this._loadLastSeq();
      if (this._stopped) return;
      url = await this._nextUrl();
    } catch (e) {
      this._emit('error', e);
      return this._scheduleReconnect();
    }
    if (this._stopped) return;
    const conn = {
      t: null, registered: false, closing: false, registerSeq: 0, ackedSeq: 0, pendingAck: 0, unacked: 0,
      ackAgain: false, ackTimer: null, pingTimer: null, stableTimer: null, lastHeard: Date.now(), queue: [], draining: false,
      replies: new Map(), nextReply: 1, reconnectAfterMs: null, kicked: false, selfKicked: false, authFailed: false, onGone: null, url,
      token, refreshing: false,
    };
    this._conn = conn;
    try {
      conn.t = await openTransport(url, { transports: this.options.transports }, {
        onopen: () => this._onOpen(conn, token),
        onframe: (f) => { conn.lastHeard = Date.now(); this._onFrame(conn, f); },
        onclose: (code, reason) => this._onClose(conn, code, reason),
      });
    } catch (e) {
      this._emit('error', e);
      this._onClose(conn, 1006, String(e.message || e));
    }
  }

  async _loadLastSeq() {
    const v = await this.store.get(this._key());
    this._storedSeq = v !== null && v !== undefined && v !== '' && Number.isSafeInteger(Number(v)) ? Number(v) : null;
    this.lastSeq = this._storedSeq ?? 0;
    this._loaded = true;
  }

  _key() { return `vpush.lastSeq.${this.user}.${this.clientId ?? ''}`; }

  /** The next URL to dial; a new round (nodes discovered, or the configured URLs) when the last one is used up. */
  async _nextUrl() {
    if (this._round.length === 0) this._round = await this._newRound();
    return this._round.shift();
  }

  // A reconnect storm must not become a storm of discovery requests too: a list that registered us and is younger
  // than discoverMaxAgeMs is dialled again; one that did not (every node of it failed) or is old is asked again.
  async _newRound() {
    if (!this.options.discover) return [...this.urls];
    if (this._known && this._knownWorked && Date.now() - this._knownAt < this.options.discoverMaxAgeMs) {
      this._knownWorked = false;
      return [...this._known];
    }
    const urls = await this._discover();
    this._known = urls;
    this._knownAt = Date.now();
    this._knownWorked = false;
    return urls ? [...urls] : [...this.urls]; // a copy: the round is consumed, the known list is kept
  }

  /**
   * Asks each configured URL in turn for the cluster's access nodes (GET /api/v1/connect, least loaded first, the
   * user's own node first). Resolves with their URLs, or null when none answered a usable list: a single node without
   * the route, or one unreachable, is then dialled directly.
   */
  async _discover() {
    const sockjs = wantsSockJS(this.options.transports) || !hasWebSocket();
    for (let i = 0; i < this.urls.length && !this._stopped; i++) {
      const base = this.urls[(this._discoverIndex + i) % this.urls.length];
      try {
        const nodes = await fetchNodes(discoveryUrl(base, this.user), this.options.discoverTimeoutMs);
        const urls = nodes.map((n) => (sockjs ? n.sockjs : n.websocket) || n.websocket || n.sockjs)
          .filter((u) => typeof u === 'string' && /^(wss?|https?):\/\//.test(u));
        if (urls.length > 0) {
          this._discoverIndex = (this._discoverIndex + i) % this.urls.length;
          this._emit('discovered', { from: base, urls });
          return urls;
        }
        throw new Error('no access node accepts clients');
      } catch (e) {
        this._emit('error', Object.assign(new Error(`discovery at ${base} failed (${e.message || e}): trying the next`), { cause: e }));
      }
    }
    return null;
  }

  _onOpen(conn, token) {
    const headers = { token, instance: this._instance };
    if (this.clientId) headers.clientId = this.clientId;
    if (this.options.device) headers.device = this.options.device;
    if (this._storedSeq !== null || this.lastSeq > 0) headers.lastSeq = String(this.lastSeq);
    conn.registerSeq = this.lastSeq;
    conn.ackedSeq = this.lastSeq;
    conn.t.send({ type: 'register', address: 'vpush.user.' + this.user, headers });
    conn.pingTimer = setInterval(() => this._heartbeat(conn), this.options.pingIntervalMs);
  }

  _heartbeat(conn) {
    if (Date.now() - conn.lastHeard > this.options.deadAfterMs) {
      this._emit('error', new Error(`no answer from ${conn.url} for ${this.options.deadAfterMs} ms: re-dialling`));
      conn.t.abort();
      return;
    }
    conn.t.send({ type: 'ping' });
    // Over SockJS the server answers no ping; a cumulative ack of what is already acked, with a reply, is a
    // harmless probe that it does answer.
    if (conn.t.kind === 'sockjs' && conn.registered && Date.now() - conn.lastHeard >= this.options.pingIntervalMs) {
      const address = 'vpush-probe-' + conn.nextReply++;
      conn.replies.set(address, { resolve() {}, reject() {}, timer: null });
      if (!conn.t.send({ type: 'send', address: 'vpush.ack', body: { seq: conn.ackedSeq }, replyAddress: address })) conn.replies.delete(address);
    }
    this._checkOutbound(conn);
  }

  _checkOutbound(conn) {
    if (conn.t.buffered() > this.options.maxOutboundBytes) {
      this._emit('error', new Error('outbound buffer over maxOutboundBytes: re-dialling'));
      conn.t.abort();
    }
  }

  _onFrame(conn, f) {
    if (conn !== this._conn) return;
    if (f.type === 'pong') return;
    if (f.type === 'err') return this._onErr(conn, f);
    if (f.type !== 'rec' || typeof f.address !== 'string') return;
    const reply = conn.replies.get(f.address);
    if (reply) {
      conn.replies.delete(f.address);
      clearTimeout(reply.timer);
      return reply.resolve(f.body);
    }
    if (f.address === 'vpush.user.' + this.user) {
      const h = f.headers || {};
      if (h.control) return this._onControl(conn, h.control, f.body || {});
      const m = { seq: Number(h.seq), id: h.id, ts: Number(h.ts), payload: f.body, headers: h };
      if (!Number.isSafeInteger(m.seq) || m.seq <= 0) return;
      if (conn.queue.length >= this.options.maxQueuedMessages) {
        // The handler is slower than the stream: stop reading; every unacked message stays on the server.
        this._emit('error', new Error(`more than ${this.options.maxQueuedMessages} messages wait for the handler: re-dialling`));
        return conn.t.abort();
      }
      conn.queue.push({ kind: 'message', m });
      return this._drain(conn);
    }
    if (f.address.startsWith('vpush.topic.')) {
      const topic = f.address.slice('vpush.topic.'.length);
      const h = f.headers || {};
      const m = { topic, id: h.id, ts: Number(h.ts), payload: f.body, headers: h };
      for (const fn of this._topics.get(topic) || []) {
        try { Promise.resolve(fn(m)).catch((e) => this._emit('error', e)); } catch (e) { this._emit('error', e); }
      }
    }
  }

  _onErr(conn, f) {
    const reply = f.address && conn.replies.get(f.address);
    const err = Object.assign(new Error(`${f.failureType} (${f.failureCode}): ${f.message || ''}`),
      { failureType: f.failureType, failureCode: f.failureCode, address: f.address });
    if (reply) {
      conn.replies.delete(f.address);
      clearTimeout(reply.timer);
      return reply.reject(err);
    }
    const refusedRegister = !conn.registered && f.address === 'vpush.user.' + this.user;
    // An access_denied on the user stream before registration is an auth failure; on polling SockJS transports
    // it is all we learn (their close code is always 3000).
    if (refusedRegister && f.failureType === 'access_denied') conn.authFailed = true;
    this._emit('error', err);
    // A register that failed for now (unavailable: the store is down) leaves the connection open and idle: drop it and
    // register again on a new one, after the backoff.
    if (refusedRegister && f.failureType !== 'access_denied') conn.t.abort();
  }

  _onControl(conn, kind, body) {
    if (kind === 'registered') {
      conn.registered = true;
      this.node = body.node ?? null;
      this._authRetried = false;
      const serverSeq = Number(body.lastSeq);
      if (Number.isSafeInteger(serverSeq) && serverSeq < conn.registerSeq) {
        // The server lost its state (the memory engine restarted): our lastSeq is ahead of every seq it will
        // hand out. Start again from 0 and say so; what was lost cannot be recovered.
        this._emit('gap', { from: serverSeq + 1, to: conn.registerSeq, reason: 'server-reset' });
        this._setLastSeq(0);
        conn.registerSeq = 0;
        conn.ackedSeq = 0;
        conn.queue.push({ kind: 'sync', upTo: Infinity });
        this._drain(conn);
      }
      for (const topic of this._topics.keys()) conn.t.send({ type: 'register', address: 'vpush.topic.' + topic, headers: {} });
      conn.stableTimer = setTimeout(() => { this._attempt = 0; }, this.options.stableAfterMs);
      this._knownWorked = true;
      this._setState('connected', { node: this.node, url: conn.url });
      this._emit('registered', { node: this.node, lastSeq: serverSeq });
      for (const w of this._connectWaiters.splice(0)) w.resolve();
    } else if (kind === 'refresh') {
      this._refreshToken(conn);
    } else if (kind === 'kicked') {
      // Kicked by our own instance: a register of a connection we had given up on reached a node after this one
      // registered. Nobody else took over, so connect again rather than stop.
      if (body.instance === this._instance) conn.selfKicked = true;
      else conn.kicked = true;
    } else if (kind === 'reconnect') {
      this._knownWorked = false; // a node is leaving: the list that named it is asked for again once used up
      const after = Number(body.afterMs);
      conn.reconnectAfterMs = Number.isFinite(after) && after >= 0 ? Math.min(after, 10 * 60_000) : 0;
    }
  }

  /**
   * `control: refresh`: the token expires soon. Asks token() for a fresh one and sends it (vpush.refresh) on this
   * connection. If that fails, the server closes with 4001 at the deadline, and the re-dial asks token() again.
   */
  async _refreshToken(conn) {
    if (conn.refreshing || typeof this.options.token !== 'function') return; // a fixed token cannot be refreshed
    conn.refreshing = true;
    try {
      const token = await this.options.token();
      if (conn !== this._conn || this._stopped) return;
      if (token === conn.token) throw new Error('token() returned the same token');
      const r = await this._request(conn, 'vpush.refresh', { token });
      conn.token = token;
      this._emit('refreshed', { deadline: typeof r?.deadline === 'number' ? r.deadline : null, dropped: Array.isArray(r?.dropped) ? r.dropped : [] });
    } catch (e) {
      if (conn === this._conn) this._emit('error', Object.assign(new Error(`token refresh failed: ${e.message || e}`), { cause: e }));
    } finally {
      conn.refreshing = false;
    }
  }

  _onClose(conn, code, reason) {
    this._clearConn(conn);
    conn.onGone?.();
    if (conn !== this._conn) return;
    this._conn = null;
    if (this._stopped) return;
    if (conn.kicked || (code === 4003 && !conn.selfKicked)) {
      return this._stop('kicked', { code, text: reason || 'kicked: the same clientId connected elsewhere' });
    }
    if (code === 4001 || conn.authFailed) {
      if (this._authRetried) {
        const e = Object.assign(new Error(`authentication failed (${code} ${reason || ''})`), { code });
        this._emit('error', e);
        return this._stop('auth', { code, text: reason, error: e });
      }
      this._authRetried = true; // token() is called again by the next dial, to the same node
      this._round.unshift(conn.url);
      this._setState('disconnected', { code, reason });
      return this._dial();
    }
    // The next dial takes the next node of the round (_nextUrl).
    if (conn.reconnectAfterMs !== null) {
      // The server asked for it (graceful shutdown): come back when it said, to another node.
      this._setState('disconnected', { code, reason, afterMs: conn.reconnectAfterMs, retryInMs: conn.reconnectAfterMs });
      this._timer = setTimeout(() => this._dial(), conn.reconnectAfterMs);
      return;
    }
    this._scheduleReconnect({ code, reason });
  }

  _scheduleReconnect(info = {}) {
    if (this._stopped) return;
    const delay = backoffDelay(this._attempt++, this.options.backoffBaseMs, this.options.backoffMaxMs);
    if (this.state !== 'disconnected') this._setState('disconnected', { ...info, retryInMs: delay });
    this._timer = setTimeout(() => this._dial(), delay);
  }

  _clearConn(conn) {
    clearInterval(conn.pingTimer);
    clearTimeout(conn.ackTimer);
    clearTimeout(conn.stableTimer);
    conn.queue.length = 0; // not processed: the server re-sends them after the next register
    for (const r of conn.replies.values()) { clearTimeout(r.timer); r.reject(new Error('connection lost')); }
    conn.replies.clear();
  }

  _stop(reason, info = {}) {
    this._stopped = true;
    clearTimeout(this._timer);
    this.closeReason = reason;
    // info.text is the server's close text ('Go away!' on every SockJS polling close): reason is always ours.
    this._setState('closed', { ...info, reason });
    const err = info.error || new Error(`client stopped: ${reason}`);
    for (const w of this._connectWaiters.splice(0)) w.reject(err);
  }

  // ---- processing: one item at a time, in order ------------------------------------------------------------

  async _drain(conn) {
    if (conn.draining) return;
    conn.draining = true;
    try {
      while (conn.queue.length > 0 && conn === this._conn) {
        const item = conn.queue.shift();
        if (item.kind === 'sync') await this._catchUp(conn, item.upTo);
        else await this._process(conn, item.m);
      }
    } catch (e) {
      // A handler failed or a sync could not finish: the seq is not processed and not acked. Re-dial; the
      // server sends it again from our lastSeq, so order holds.
      this._emit('error', e);
      if (conn === this._conn) conn.t.abort();
    } finally {
      conn.draining = false;
    }
  }

  async _process(conn, m, fromSync = false) {
    if (m.seq <= this.lastSeq) return this._scheduleAck(conn, this.lastSeq, m.seq <= conn.ackedSeq);
    if (!fromSync && m.seq > this.lastSeq + 1) {
      // A hole: messages for other devices, expired ones, or a live message ahead of one still coming. Ask the
      // server what lies between; sync reports expiry as gap.
      await this._catchUp(conn, m.seq - 1);
      if (conn !== this._conn) return;
      if (m.seq <= this.lastSeq) return this._scheduleAck(conn, this.lastSeq);
    }
    await this._emitMessage(m);
    this._setLastSeq(m.seq);
    this._scheduleAck(conn, m.seq);
  }

  async _emitMessage(m) {
    for (const fn of this._listeners.get('message') || []) await fn(m);
  }

  /** Syncs from lastSeq until the server has nothing more up to `upTo`; raises 'gap' for what expired. */
  async _catchUp(conn, upTo) {
    let gapFrom = null;
    for (;;) {
      const since = this.lastSeq;
      const r = await this._request(conn, 'vpush.sync', { since, limit: this.options.syncLimit });
      const messages = Array.isArray(r?.messages) ? r.messages : [];
      if (r?.gap && gapFrom === null) gapFrom = since + 1;
      for (const x of messages) {
        const seq = Number(x.seq);
        if (!Number.isSafeInteger(seq) || seq > upTo) continue;
        await this._process(conn, { seq, id: x.id, ts: Number(x.ts), payload: x.body, headers: { id: x.id, seq: String(seq), ts: String(x.ts) } }, true);
        if (conn !== this._conn) return;
      }
      const last = messages.length ? Number(messages[messages.length - 1].seq) : since;
      if (!r?.more || messages.length === 0 || last >= upTo) break;
    }
    if (gapFrom !== null) this._emit('gap', { from: gapFrom, to: Number.isFinite(upTo) ? upTo : this.lastSeq, reason: 'expired' });
  }

  _request(conn, address, body) {
    return new Promise((resolve, reject) => {
      const replyAddress = 'vpush-r-' + conn.nextReply++;
      const timer = setTimeout(() => {
        conn.replies.delete(replyAddress);
        reject(new Error(`${address} not answered in ${this.options.syncTimeoutMs} ms`));
      }, this.options.syncTimeoutMs);
      conn.replies.set(replyAddress, { resolve, reject, timer });
      if (!conn.t.send({ type: 'send', address, body, replyAddress })) {
        conn.replies.delete(replyAddress);
        clearTimeout(timer);
        reject(new Error('connection lost'));
      }
    });
  }

  _setLastSeq(seq) {
    this.lastSeq = seq;
    this._storedSeq = seq;
    const key = this._key();
    this._persist = this._persist.then(() => this.store.set(key, String(seq))).catch((e) => this._emit('error', e));
  }

  // ---- acks: cumulative, batched, after the handler and after the store ------------------------------------

  /** Queues a cumulative ack of `seq`; `again` re-acks a seq already acked (the server sent it once more). */
  _scheduleAck(conn, seq, again = false) {
    if (seq > conn.pendingAck) conn.pendingAck = seq;
    if (again) conn.ackAgain = true;
    if (conn.pendingAck <= conn.ackedSeq && !conn.ackAgain) return;
    if (++conn.unacked >= this.options.ackMaxMessages) return void this._flushAck(conn);
    if (!conn.ackTimer) conn.ackTimer = setTimeout(() => this._flushAck(conn), this.options.ackIntervalMs);
  }

  async _flushAck(conn) {
    clearTimeout(conn.ackTimer);
    conn.ackTimer = null;
    conn.unacked = 0;
    const again = conn.ackAgain;
    conn.ackAgain = false;
    const target = Math.max(conn.pendingAck, conn.ackedSeq);
    if (target <= 0 || (target <= conn.ackedSeq && !again)) return;
    await this._persist; // an ack never runs ahead of the stored lastSeq
    if (conn.t.send({ type: 'send', address: 'vpush.ack', body: { seq: target } })) {
      conn.ackedSeq = Math.max(conn.ackedSeq, target);
      this._emit('ack', target);
    }
  }
}

/** The `sub` claim of a JWT (without verifying it: the server does). */
export function subjectOf(token) {
  const part = String(token).split('.')[1];
  if (!part) throw new Error('token is not a JWT; give the user option');
  const json = typeof atob === 'function'
    ? atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='))
    : Buffer.from(part, 'base64url').toString('utf8');
  const sub = JSON.parse(json).sub;
  if (!sub) throw new Error('token has no sub claim; give the user option');
  return String(sub);
}

function hasWebSocket() {
  return typeof window === 'undefined' || typeof globalThis.WebSocket !== 'undefined';
}

// A node list is a few hundred bytes a node: an answer past these is not one, and is not held.
const MAX_DISCOVERY_BYTES = 256 * 1024;
const MAX_DISCOVERED_NODES = 64;

/** GET a /api/v1/connect URL within `timeoutMs`; resolves with its `nodes` array or rejects (network, status, JSON). */
async function fetchNodes(url, timeoutMs) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetch(url, { signal: abort.signal, headers: { accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    const body = JSON.parse(await readCapped(res, MAX_DISCOVERY_BYTES));
    if (!body || !Array.isArray(body.nodes)) throw new Error(`${url} answered no nodes array`);
    return body.nodes.filter((n) => n && typeof n === 'object').slice(0, MAX_DISCOVERED_NODES);
  } catch (e) {
    throw abort.signal.aborted ? new Error(`${url} not answered in ${timeoutMs} ms`) : e;
  } finally {
    clearTimeout(timer);
  }
}

/** A response body as text, refused (and the rest not read) once it passes `maxBytes`. */
async function readCapped(res, maxBytes) {
  const declared = Number(res.headers.get('content-length'));
  if (declared > maxBytes) throw new Error(`answer of ${declared} bytes is over ${maxBytes}`);
  if (!res.body || typeof res.body.getReader !== 'function') return res.text();
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      throw new Error(`answer over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.byteLength; }
  return new TextDecoder().decode(all);
}

/** A random id for one client instance (not a secret: it only tells our own kicks from others'). */
function newInstanceId() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}
