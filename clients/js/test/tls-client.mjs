// Child of tls.test.js, run with NODE_EXTRA_CA_CERTS naming the test CA (Node reads it at start only): connects the
// SDK to an https:// base URL (discovery hands out wss://), publishes over https with fetch, prints what arrived.
import { VPushClient, MemoryStore } from '../src/index.js';

const { VPUSH_BASE: base, VPUSH_KEY: key, VPUSH_TOKEN: token } = process.env;
const client = new VPushClient({ url: base, token: async () => token, clientId: 'tls', store: new MemoryStore() });
const got = new Promise((resolve) => client.on('message', (m) => resolve(m)));
const timer = setTimeout(() => { console.log(JSON.stringify({ error: 'timeout', state: client.state })); process.exit(3); }, 20000);
// An untrusted certificate shows as an error event (discovery or the dial): report it and stop.
client.on('error', (e) => {
  const chain = [e, e.cause, e.cause && e.cause.cause].filter(Boolean).map((x) => `${x.code || ''} ${x.message}`).join(' / ');
  if (/certificate|self.signed|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(chain)) {
    console.log(JSON.stringify({ error: 'tls', chain }));
    process.exit(4);
  }
});
await client.connect();
const res = await fetch(base + '/api/v1/messages', {
  method: 'POST', headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' },
  body: JSON.stringify({ user: 'tls-js', payload: { over: 'wss' }, id: 'tls-1' }),
});
const published = await res.json();
const m = await got;
const connect = await (await fetch(base + '/api/v1/connect')).json();
console.log(JSON.stringify({ status: res.status, published, seq: m.seq, payload: m.payload, websocket: connect.nodes[0].websocket }));
clearTimeout(timer);
await client.close();
