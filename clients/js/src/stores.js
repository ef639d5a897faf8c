// Where lastSeq lives. A store is anything with get(key) -> string|null and set(key, value), either of which may
// return a promise. The client writes one small value per (user, clientId): O(1) state however long it runs.

/** Keeps lastSeq in memory: lost when the process ends (the server's stored cursor then decides). */
export class MemoryStore {
  constructor() { this._map = new Map(); }
  get(key) { return this._map.has(key) ? this._map.get(key) : null; }
  set(key, value) { this._map.set(key, String(value)); }
}

/** Keeps lastSeq in the browser's localStorage (the default in a browser). */
export class LocalStorageStore {
  constructor(storage = globalThis.localStorage) { this._storage = storage; }
  get(key) { return this._storage.getItem(key); }
  set(key, value) { this._storage.setItem(key, String(value)); }
}

/**
 * Keeps lastSeq in a JSON file (Node). Writes go to a temporary file renamed over the old one, so a crash
 * leaves the old value or the new one, never a torn file. Writes are coalesced: while one is in flight,
 * later values wait for one more write, so a fast stream costs at most two writes at a time.
 */
export class FileStore {
  constructor(path) {
    this._path = path;
    this._data = null;     // the file's content once read
    this._writing = null;  // the write in flight
    this._again = null;    // a promise for the write that follows it, when values changed meanwhile
  }

  async _load() {
    if (this._data) return this._data;
    const fs = await import('node:fs/promises');
    try {
      const parsed = JSON.parse(await fs.readFile(this._path, 'utf8'));
      this._data = parsed && typeof parsed === 'object' ? parsed : {};
    } catch (e) {
      if (e.code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
      this._data = {};
    }
    return this._data;
  }

  async get(key) {
    const data = await this._load();
    return Object.prototype.hasOwnProperty.call(data, key) ? String(data[key]) : null;
  }

  async set(key, value) {
    const data = await this._load();
    data[key] = String(value);
    return this._schedule();
  }

  _schedule() {
    if (!this._writing) {
      this._writing = this._write().finally(() => { this._writing = null; });
      return this._writing;
    }
    if (!this._again) {
      this._again = this._writing.catch(() => {}).then(() => {
        this._again = null;
        return this._schedule();
      });
    }
    return this._again;
  }

  async _write() {
    const fs = await import('node:fs/promises');
    const tmp = this._path + '.tmp';
    await fs.writeFile(tmp, JSON.stringify(this._data));
    await fs.rename(tmp, this._path);
  }
}

/** The default store: localStorage in a browser, memory elsewhere. */
export function defaultStore() {
  try {
    if (typeof globalThis.localStorage !== 'undefined' && globalThis.localStorage !== null) return new LocalStorageStore();
  } catch { /* localStorage access can throw (privacy modes): fall through */ }
  return new MemoryStore();
}
