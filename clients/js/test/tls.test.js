// The SDK over wss:// and https:// against a real vpush process serving TLS with a certificate made by openssl here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir;
let server;

// A CA and a server certificate for 127.0.0.1 and localhost signed by it.
function makeCertificates(into) {
  const ssl = (...args) => execFileSync('openssl', args, { cwd: into, stdio: 'pipe' });
  writeFileSync(path.join(into, 'server.ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=vpush js test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=localhost');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server.pem',
    '-days', '1', '-extfile', 'server.ext');
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vpush-js-tls-'));
  makeCertificates(dir);
  server = await startServer({
    VPUSH_TLS_CERT_PATH: path.join(dir, 'server.pem'), VPUSH_TLS_KEY_PATH: path.join(dir, 'server-key.pem'),
  }, { ca: readFileSync(path.join(dir, 'ca.pem')) });
});
after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the SDK connects over wss:// from an https:// base URL and receives what is published over https://', () => {
  assert.ok(server.base.startsWith('https://'));
  const out = execFileSync(process.execPath, [path.join(here, 'tls-client.mjs')], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'), VPUSH_BASE: server.base, VPUSH_KEY: server.apiKey,
      VPUSH_TOKEN: server.token('tls-js') },
    encoding: 'utf8', timeout: 60000,
  });
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.equal(r.status, 202);
  assert.equal(r.seq, 1);
  assert.deepEqual(r.payload, { over: 'wss' });
  assert.equal(r.websocket, `wss://127.0.0.1:${server.port}/eventbus/websocket`);
});

test('without the CA the SDK does not connect: the certificate is checked', () => {
  let failed;
  try {
    execFileSync(process.execPath, [path.join(here, 'tls-client.mjs')], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '', VPUSH_BASE: server.base, VPUSH_KEY: server.apiKey, VPUSH_TOKEN: server.token('tls-js') },
      encoding: 'utf8', timeout: 60000, stdio: 'pipe',
    });
  } catch (e) {
    failed = e;
  }
  assert.ok(failed, 'the child must not get a message without trusting the CA');
  assert.equal(failed.status, 4, String(failed.stdout) + String(failed.stderr));
  assert.match(String(failed.stdout), /"error":"tls"/);
});
