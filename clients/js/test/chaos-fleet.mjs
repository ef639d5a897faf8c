// The JS SDK's side of the SDK chaos test (clients/java: io.vpush.client.SdkChaosIT), a fleet of VPushClient in
// one Node process. Not a node --test file: the Java test starts it, writes one JSON line on stdin
//   {"urls": ["http://127.0.0.1:P", ...], "clients": [{"user": "u1", "clientId": "c1", "token": "<jwt>"}, ...]}
// Clients take turns over the transports: plain WebSocket, SockJS xhr-streaming, SockJS xhr-polling.
// and reads one line per event on stdout:
//   M <user> <seq> <id>       the app handler was called for seq (the audit happens on the Java side)
//   S <user> <state> <reason> a state change;  G <user> <from> <to> <reason> a gap;  E <user> <message> an error
//   R <user> <lastSeq> <node> registered;  READY  every client connected once;  CLOSED  after "close", all closed
//   T <user> <state> <lastSeq> <url> <registered> per client after "status" on stdin, then STATUS-END.
// One handler in seven finishes a turn later (an async handler: its ack must wait for it).
import readline from 'node:readline';
import { VPushClient } from '../src/index.js';

const out = (line) => process.stdout.write(line + '\n');
const lines = readline.createInterface({ input: process.stdin });
let clients = [];
const TRANSPORTS = [undefined, ['xhr-streaming'], ['xhr-polling']];

lines.on('line', async (line) => {
  if (line.trim() === 'status') {
    for (const c of clients) out(`T ${c.user} ${c.state} ${c.lastSeq} ${c._conn?.url ?? '-'} ${c._conn?.registered ?? '-'}`);
    out('STATUS-END');
    return;
  }
  if (line.trim() === 'close') {
    await Promise.allSettled(clients.map((c) => c.close()));
    out('CLOSED');
    process.exit(0);
  }
  const { urls, clients: specs } = JSON.parse(line);
  clients = specs.map((s, i) => start(urls, s, TRANSPORTS[i % TRANSPORTS.length]));
  await Promise.all(clients.map((c) => c.connect()));
  out('READY');
});

function start(urls, { user, clientId, token }, transports) {
  const client = new VPushClient({ url: urls, token: async () => token, clientId, user, transports,
    backoffBaseMs: 100, backoffMaxMs: 2000 });
  client.on('message', (m) => {
    out(`M ${user} ${m.seq} ${m.id}`);
    if (m.seq % 7 === 0) return new Promise((resolve) => setImmediate(resolve));
    return undefined;
  });
  client.on('state', (s, info) => out(`S ${user} ${s} ${(info && info.reason) || '-'}`));
  client.on('registered', (r) => out(`R ${user} ${r.lastSeq} ${r.node}`));
  client.on('gap', (g) => out(`G ${user} ${g.from} ${g.to} ${g.reason}`));
  client.on('error', (e) => out(`E ${user} ${String(e && e.message).replace(/\s+/g, ' ')}`));
  return client;
}
