/**
 * The keyed state backends by name, as jobs choose them (`env.setStateBackend`, `--state-backend`).
 * A name, unlike a factory, can cross to a worker thread, where each task creates its own backend.
 */
import type { KeyedStateBackendFactory } from './backend.js';
import { diskStateBackendFactory } from './disk/disk-backend.js';
import { heapStateBackendFactory } from './heap/heap-backend.js';

/** The backends a job can choose. */
export type StateBackendName = 'heap' | 'disk';

/** The factory of backend `name`. */
export function stateBackendFactory(name: StateBackendName): KeyedStateBackendFactory {
  return name === 'disk' ? diskStateBackendFactory() : heapStateBackendFactory;
}
