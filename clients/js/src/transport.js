// One connection to one node: a plain WebSocket to /eventbus/websocket, or SockJS at /eventbus. Either way the
// frames are the event-bus bridge's JSON objects (docs/protocol.md), one per message.

const isBrowser = typeof window !== 'undefined' && typeof window.document !== 'undefined';

/** Turns a node URL (http(s):// or ws(s)://, with or without the /eventbus path) into its two endpoints. */
export function endpoints(url) {
  const u = new URL(url);
  let path = u.pathname.replace(/\/+$/, '');
  path = path.replace(/\/eventbus(\/websocket)?$/, '');
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  const hostPart = u.host;
  return {
    websocket: `${secure ? 'wss' : 'ws'}://${hostPart}${path}/eventbus/websocket${u.search}`,
    sockjs: `${secure ? 'https' : 'http'}://${hostPart}${path}/eventbus${u.search}`,
  };
}

/** The cluster's node list beside a configured URL: <base>/api/v1/connect, with ?user= for the user's own node. */
export function discoveryUrl(url, user) {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '').replace(/\/eventbus(\/websocket)?$/, '');
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  return `${secure ? 'https' : 'http'}://${u.host}${path}/api/v1/connect${user ? '?user=' + encodeURIComponent(user) : ''}`;
}

/** True when this connection should use SockJS rather than a plain WebSocket. */
export function wantsSockJS(transports) {
  if (transports && transports.length > 0) return !(transports.length === 1 && transports[0] === 'websocket');
  // A browser gets SockJS by default: it falls back to streaming or polling when a proxy blocks WebSocket.
  return isBrowser;
}

async function webSocketClass() {
  if (!isBrowser) {
    const mod = await import('ws');
    return mod.WebSocket || mod.default;
  }
  return globalThis.WebSocket;
}

async function sockJSClass() {
  if (typeof globalThis.SockJS === 'function') return globalThis.SockJS;
  const mod = await import('sockjs-client');
  return mod.default || mod;
}

/**
 * Opens a connection. `handlers` has onopen(), onframe(object), onclose(code, reason); onclose is called
 * exactly once, also when the dial fails. Returns {send(object) -> boolean, close(code, reason), buffered(), kind}.
 */
export async function openTransport(url, { transports, maxFrameBytes = 65536 } = {}, handlers) {
  const ep = endpoints(url);
  const sockjs = wantsSockJS(transports) || (isBrowser && typeof globalThis.WebSocket === 'undefined');
  let closed = false;
  const finish = (code, reason) => {
    if (closed) return;
    closed = true;
    handlers.onclose(code, reason);
  };
  const deliver = (data) => {
    if (closed) return;
    let text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    let frame;
    try { frame = JSON.parse(text); } catch { return; } // not a bridge frame: ignore, never crash
    if (frame && typeof frame === 'object') handlers.onframe(frame);
  };

  let sock;
  if (sockjs) {
    const SockJS = await sockJSClass();
    const options = transports && transports.length ? { transports } : {};
    sock = new SockJS(ep.sockjs, null, options);
  } else {
    const WS = await webSocketClass();
    sock = isBrowser ? new WS(ep.websocket) : new WS(ep.websocket, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  }
  sock.onopen = () => { if (!closed) handlers.onopen(); };
  if (!sockjs && !isBrowser) {
    // ws's own event: its `onmessage` shim allocates a MessageEvent per frame and dispatches it through its
    // EventTarget (about 1% of the Node process in a reconnect storm's profile, plus the garbage; D37 in
    // docs/benchmarks-log.md).
    sock.on('message', (data, isBinary) => deliver(isBinary ? data : data.toString('utf8')));
  } else {
    sock.onmessage = (e) => deliver(e.data);
  }
  sock.onclose = (e) => finish(e && e.code, e && e.reason);
  sock.onerror = () => { /* the close event follows and carries the code */ };

  return {
    kind: sockjs ? 'sockjs' : 'websocket',
    send(obj) {
      if (closed || sock.readyState !== 1) return false;
      const text = JSON.stringify(obj);
      if (text.length > maxFrameBytes) throw new Error(`frame of ${text.length} bytes is over ${maxFrameBytes}`);
      sock.send(text);
      return true;
    },
    /** Bytes written but not yet sent (0 where the transport does not say). */
    buffered() { return typeof sock.bufferedAmount === 'number' ? sock.bufferedAmount : 0; },
    close(code = 1000, reason = '') {
      try { sock.close(code, reason); } catch { /* already closing */ }
      // A socket that is dead (no close handshake will come) still frees the connection: terminate after a grace.
      if (!sockjs && typeof sock.terminate === 'function') {
        setTimeout(() => { if (!closed) { try { sock.terminate(); } catch { } } }, 1000).unref?.();
      }
    },
    /** Drops the connection at once, without a close handshake (used when it stopped answering). */
    abort() {
      if (typeof sock.terminate === 'function') sock.terminate();
      else try { sock.close(4000, 'not answering'); } catch { }
      finish(1006, 'not answering');
    },
  };
}
