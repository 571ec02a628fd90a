/**
 * State layout versions of the Top-N and deduplication functions. A layout change (what a state
 * holds, or which key it is held under) gives the states new names ending in `@<version>`, so a
 * checkpoint of the old layout can never be read as the new one. Its entries would otherwise sit
 * unread under the old names, and the job would run on as if it had no state; so on open the
 * function probes each old name, and a checkpoint that holds one fails the job with a one-line
 * error naming the fix.
 *
 * The probe asks for the old name as a different kind of state than the old layout used: the
 * keyed backends refuse a restored state registered as another kind (see
 * `KeyedStateBackend.restoreKeyGroup`), and without a restored state the probe only registers an
 * empty state that no snapshot writes.
 */
import type { KeyedStateBackend } from '../../../state/backend.js';
import { ErrorCodes, userError, WeirError } from '../../../types/errors.js';
import { ListStateDescriptor, type KeyedStateStore } from '../../../types/state.js';

/** The current layout of the Top-N and deduplication states, part of their names. */
export const OVER_STATE_LAYOUT = 2;

/** The keyed state getters the Top-N and deduplication states are made with. */
export type StateGetters = Pick<KeyedStateStore, 'getState' | 'getListState' | 'getMapState'>;

/**
 * The getters of a keyed backend, for an operator that has the backend and no runtime context
 * (the mini-batch functions share their state classes with the per-row ones).
 */
export function stateGettersOf(backend: KeyedStateBackend): StateGetters {
  return {
    getState: (d) => backend.getOrCreateState(d),
    getListState: (d) => backend.getOrCreateState(d),
    getMapState: (d) => backend.getOrCreateState(d),
  };
}

/** A state name of the current layout: `name@2`. */
export function layoutStateName(name: string): string {
  return `${name}@${OVER_STATE_LAYOUT}`;
}

/**
 * Fails with a user error when the restored checkpoint holds `oldValueStates` (value states of
 * an earlier layout, by name); `operator` names the operator in the message.
 */
export function refuseOldLayout(
  store: StateGetters,
  operator: string,
  oldValueStates: readonly string[],
): void {
  for (const name of oldValueStates) {
    try {
      store.getListState(new ListStateDescriptor<never>(name));
    } catch (error) {
      if (!(error instanceof WeirError) || error.code !== ErrorCodes.STATE_ACCESS) throw error;
      throw userError(
        ErrorCodes.STATE_MISMATCH,
        `the checkpoint holds ${operator} state "${name}" of an older layout than this version's (layout ${OVER_STATE_LAYOUT}); restart the job without --restore, or take a new savepoint of the job running this version and restore from that`,
        error,
      );
    }
  }
}
