/** The store a provider's config asks for: its own memory, or a state file shared with other processes. */
import { FileStore } from './file-store.js';
import { MemoryStore, type StateStore } from './state.js';

export function createStore(stateFile: string | undefined): StateStore {
  return stateFile === undefined ? new MemoryStore() : new FileStore(stateFile);
}
