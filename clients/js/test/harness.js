// Test kit: a real vpush process (target/vpush.jar), HTTP publish, HS256 tokens, a freezable TCP proxy, and
// waiting for events with a deadline (never a sleep).
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const JAR = process.env.VPUSH_JAR || path.resolve(here, '../../../target/vpush.jar');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Polls `check` (sync or async, truthy = done) until it passes or `ms` have gone; returns its value. */
export async function until(check, ms = 10000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with the first emission of `event` on the client for which `match` holds, or fails after `ms`. */
export function nextEvent(client, event, match = () => true, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no '${event}' event within ${ms} ms`)); }, ms);
    const off = client.on(event, (...args) => {
      if (!match(...args)) return;
      clearTimeout(timer); off(); resolve(args.length > 1 ? args : args[0]);
    });
  });
}

export function b64url(v) { return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url'); }

/** Starts target/vpush.jar on a free port with a known secret and API key; resolves once /health/ready answers 200. */
// `ca` (PEM text): the node serves TLS (env has VPUSH_TLS_*); base is https:// and the readiness probe trusts `ca`.
export async function startServer(env = {}, { port: fixedPort, ca } = {}) {
  const port = fixedPort ?? await freePort();
  const secret = env.VPUSH_JWT_SECRET ?? randomBytes(24).toString('hex');
  const apiKey = env.VPUSH_API_KEY ?? randomBytes(16).toString('hex');
  const proc = spawn('java', ['-Xmx256m', '-XX:+ExitOnOutOfMemoryError', '-jar', JAR], {
    env: {
      ...process.env, VPUSH_MODE: 'production', VPUSH_STORE: 'memory', VPUSH_HTTP_PORT: String(port), VPUSH_HTTP_HOST: '127.0.0.1',
      VPUSH_JWT_SECRET: secret, VPUSH_API_KEY: apiKey, VPUSH_ACCESS_INSTANCES: '1', VPUSH_TCP_BRIDGE_ENABLED: 'false', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (d) => { output = (output + d).slice(-20000); });
  proc.stderr.on('data', (d) => { output = (output + d).slice(-20000); });
  const exited = new Promise((r) => proc.once('exit', (code) => r(code)));
  const base = `${ca ? 'https' : 'http'}://127.0.0.1:${port}`;
  const server = {
    port, base, secret, apiKey, proc, output: () => output,
    token(user, { expSeconds = 3600, exp, ...claims } = {}) {
      const body = { sub: user, exp: exp ?? Math.floor(Date.now() / 1000) + expSeconds, ...claims };
      const head = b64url({ alg: 'HS256', typ: 'JWT' }) + '.' + b64url(body);
      return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
    },
    async publish(user, payload, id) {
      const res = await fetch(base + '/api/v1/messages', {
        method: 'POST', headers: { authorization: 'Bearer ' + apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ user, payload, ...(id ? { id } : {}) }),
      });
      const json = await res.json();
      if (res.status !== 202) throw new Error(`publish answered ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async user(user) {
      const res = await fetch(base + '/api/v1/users/' + encodeURIComponent(user), { headers: { authorization: 'Bearer ' + apiKey } });
      return res.json();
    },
    async kick(user, clientId) {
      const res = await fetch(`${base}/api/v1/users/${encodeURIComponent(user)}/connections?clientId=${encodeURIComponent(clientId)}`,
        { method: 'DELETE', headers: { authorization: 'Bearer ' + apiKey } });
      return res.json();
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      await exited;
    },
  };
  try {
    await until(async () => {
      if (proc.exitCode !== null) throw new Error('vpush exited: ' + output);
      try { return (ca ? await httpsStatus(base + '/health/ready', ca) : (await fetch(base + '/health/ready', { signal: AbortSignal.timeout(2000) })).status) === 200; } catch { return false; }
    }, 60000, 'vpush /health/ready');
  } catch (e) {
    await server.stop('SIGKILL');
    throw e;
  }
  return server;
}

/** GET over https trusting `ca` (fetch cannot be given a CA without undici's Agent); resolves to the status. */
function httpsStatus(url, ca) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

/** A TCP proxy to `port` whose open connections can be frozen (bytes held, sockets left open) or cut. */
export async function startProxy(targetPort) {
  const pairs = new Set();
  let frozen = false;
  const srv = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, frozen: false };
    pairs.add(pair);
    const forward = (from, to) => from.on('data', (d) => { if (!pair.frozen) to.write(d); });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => { pairs.delete(pair); client.destroy(); upstream.destroy(); };
    client.on('close', end); upstream.on('close', end); client.on('error', end); upstream.on('error', end);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: srv.address().port,
    /** Open connections stop carrying bytes either way; new connections work. */
    freeze() { for (const p of pairs) p.frozen = true; },
    cut() { for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); } },
    connections: () => pairs.size,
    close() { this.cut(); return new Promise((r) => srv.close(r)); },
  };
}

/**
 * An HTTP front to `targetPort` that records every request's path and answers GET /api/v1/connect itself when
 * `connect` is a function (req, res) => void; everything else, WebSocket upgrades included, goes to the target.
 */
export async function startHttpFront(targetPort, { connect } = {}) {
  const requests = [];
  const srv = http.createServer((req, res) => {
    requests.push(req.url);
    if (connect && req.url.split('?')[0] === '/api/v1/connect') return connect(req, res);
    const up = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  const upgraded = new Set();
  srv.on('upgrade', (req, socket, head) => {
    requests.push(req.url);
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    const up = net.connect(targetPort, '127.0.0.1', () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n` + Object.entries(req.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    const end = () => { socket.destroy(); up.destroy(); };
    up.on('error', end); socket.on('error', end); up.on('close', end); socket.on('close', end);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const port = srv.address().port;
  return {
    port, base: `http://127.0.0.1:${port}`, requests,
    /** How many /api/v1/connect requests came in. */
    discoveries: () => requests.filter((u) => u.startsWith('/api/v1/connect')).length,
    close() {
      for (const s of upgraded) s.destroy();
      srv.closeAllConnections?.();
      return new Promise((r) => srv.close(r));
    },
  };
}

/** A private redis-server on a free port (no persistence); pause() / resume() freeze and thaw it (an outage). */
export async function startRedis() {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' });
  const exited = new Promise((r) => proc.once('exit', r));
  await until(() => new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
    s.once('error', () => resolve(false));
  }), 10000, 'redis-server listening');
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => proc.kill('SIGSTOP'),
    resume: () => proc.kill('SIGCONT'),
    async stop() { proc.kill('SIGCONT'); proc.kill('SIGKILL'); await exited; },
  };
}
