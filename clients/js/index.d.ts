// Type declarations for @vpush/client (hand-written; the library is plain ES modules).

export type State = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** Where lastSeq lives; either method may return a promise. */
export interface LastSeqStore {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
}

export interface VPushMessage<T = unknown> {
  seq: number;
  id: string;
  ts: number;
  payload: T;
  headers: Record<string, string>;
}

export interface TopicMessage<T = unknown> {
  topic: string;
  id: string;
  ts: number;
  payload: T;
  headers: Record<string, string>;
}

export interface StateInfo {
  /** On 'closed': why the client stopped ('closed' | 'kicked' | 'auth'); on 'disconnected': the close's reason text. */
  reason?: string;
  /** On 'closed': the server's close reason text, when a close from the server stopped the client. */
  text?: string;
  code?: number;
  afterMs?: number;
  retryInMs?: number;
  node?: string;
  url?: string;
  error?: Error;
}

export interface Gap { from: number; to: number; reason: 'expired' | 'server-reset'; }

export interface VPushClientOptions {
  /**
   * One node URL (http(s):// or ws(s)://), a list, or a cluster's base URL. With `discover` (the default) the client
   * first asks each in turn for GET /api/v1/connect and dials the access nodes it names, in order; when none answers
   * a usable list it dials these URLs directly, in turn.
   */
  url: string | string[];
  /** Ask <url>/api/v1/connect (with ?user=) for the nodes to dial; default true. */
  discover?: boolean;
  /** How long one /api/v1/connect request may take before the next URL is asked; default 2000. */
  /** How long a discovered list that registered the client is dialled again without asking; default 60000. */
  discoverMaxAgeMs?: number;
  discoverTimeoutMs?: number;
  /** Called before every (re)connect. */
  token: (() => string | Promise<string>) | string;
  clientId?: string;
  /** The user id; defaults to the token's sub claim. */
  user?: string;
  device?: string;
  store?: LastSeqStore;
  /** SockJS transport names; ['websocket'] alone (the Node default) means a plain WebSocket. */
  transports?: string[];
  ackIntervalMs?: number;
  ackMaxMessages?: number;
  pingIntervalMs?: number;
  deadAfterMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  stableAfterMs?: number;
  maxQueuedMessages?: number;
  maxOutboundBytes?: number;
  syncLimit?: number;
  syncTimeoutMs?: number;
}

export class VPushClient {
  constructor(options: VPushClientOptions);
  readonly state: State;
  readonly closeReason: 'closed' | 'kicked' | 'auth' | null;
  readonly lastSeq: number;
  readonly node: string | null;
  on(event: 'message', fn: (m: VPushMessage) => void | Promise<void>): () => void;
  on(event: 'state', fn: (s: State, info: StateInfo) => void): () => void;
  on(event: 'gap', fn: (g: Gap) => void): () => void;
  on(event: 'error', fn: (e: Error) => void): () => void;
  on(event: 'registered', fn: (r: { node: string | null; lastSeq: number }) => void): () => void;
  on(event: 'ack', fn: (seq: number) => void): () => void;
  /** The token was refreshed on the live connection (after `control: refresh`): its new close deadline (epoch ms, null: none) and the topics the new token no longer allows. */
  on(event: 'refreshed', fn: (r: { deadline: number | null; dropped: string[] }) => void): () => void;
  /** A round of nodes from /api/v1/connect: `from` the configured URL asked, `urls` what will be dialled, in order. */
  on(event: 'discovered', fn: (d: { from: string; urls: string[] }) => void): () => void;
  off(event: string, fn: (...args: any[]) => void): void;
  subscribe(topic: string, handler: (m: TopicMessage) => void | Promise<void>): () => void;
  connect(): Promise<void>;
  close(): Promise<void>;
}

export class MemoryStore implements LastSeqStore { get(key: string): string | null; set(key: string, value: string): void; }
export class LocalStorageStore implements LastSeqStore { constructor(storage?: Storage); get(key: string): string | null; set(key: string, value: string): void; }
export class FileStore implements LastSeqStore { constructor(path: string); get(key: string): Promise<string | null>; set(key: string, value: string): Promise<void>; }
export function defaultStore(): LastSeqStore;
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random?: () => number): number;
export function subjectOf(token: string): string;
