// @vpush/client: the ES module entry.
export { VPushClient, subjectOf } from './client.js';
export { MemoryStore, LocalStorageStore, FileStore, defaultStore } from './stores.js';
export { backoffDelay } from './backoff.js';
