/**
 * State layout versions of the SQL stateful operators. When a change makes an operator's state
 * mean something else (what a state holds, or which key it is held under), a checkpoint of the
 * old layout must not be read as the new one: the job would fail on a value of the wrong shape
 * or, worse, compute wrong results. Each operator family has its own {@link StateLayout}, so a
 * change to one family's layout leaves the other families' checkpoints usable.
 *
 * Two ways to carry the version, both checked once per restore, never per row:
 * - Keyed states an operator names itself get names ending in `@<version>`
 *   ({@link StateLayout.stateName}); on open the operator probes the names of every earlier
 *   layout and of the next few later ones ({@link StateLayout.refuseOthers}), and a checkpoint
 *   that holds one fails the job: a checkpoint written by a newer Weir would otherwise restore
 *   states this version never registers, and the job would start empty without a word.
 *   The probe asks for a name as a reducing state, a kind no layout keeps under a versioned
 *   name: the keyed backends refuse a restored state registered as another kind (see
 *   `KeyedStateBackend.restoreKeyGroup`), and without a restored state the probe only registers
 *   an empty state that no snapshot writes.
 * - Operators whose keyed state is named by the DataStream runtime (the window operators) carry
 *   a marker instead: a union operator state holding the layout version, written with every
 *   snapshot and compared on restore ({@link markLayout}).
 */
import type { OperatorSetup, StreamOperator } from '../../runtime/operator.js';
import type { OperatorStateSnapshot, RestoredOperatorState } from '../../runtime/snapshot.js';
import type { KeyedStateBackend } from '../../state/backend.js';
import { ErrorCodes, userError, WeirError } from '../../types/errors.js';
import { type KeyedStateStore, ReducingStateDescriptor } from '../../types/state.js';

/** The keyed state getters a layout's states are made with. */
export type StateGetters = Pick<
  KeyedStateStore,
  'getState' | 'getListState' | 'getMapState' | 'getReducingState'
>;

/**
 * The getters of a keyed backend, for an operator that has the backend and no runtime context
 * (the mini-batch operators share their state with the per-row functions).
 */
export function stateGettersOf(backend: KeyedStateBackend): StateGetters {
  return {
    getState: (d) => backend.getOrCreateState(d),
    getListState: (d) => backend.getOrCreateState(d),
    getMapState: (d) => backend.getOrCreateState(d),
    getReducingState: (d) => backend.getOrCreateState(d),
  };
}

/**
 * How many layouts after its own a layout probes for ({@link StateLayout.refuseOthers}): a
 * checkpoint of a Weir that raised a layout further than this is not recognised as one.
 */
export const LATER_LAYOUTS_PROBED = 4;

/** The name of the union operator state in which {@link markLayout} keeps the layout version. */
export const LAYOUT_MARKER_STATE = 'sql-state-layout';

/**
 * One operator family's state layout: its name in error messages and its version. Raise the
 * version with any change to what the family's states hold or how they are keyed.
 */
export class StateLayout {
  /**
   * @param operator the operator family as the error message names it, e.g. `group aggregate`
   * @param version this version's layout, from 1 (layout 1 is the states' names without a version)
   */
  constructor(
    readonly operator: string,
    readonly version: number,
  ) {
    if (!Number.isInteger(version) || version < 1)
      throw new RangeError(`a state layout version is an integer from 1, not ${version}`);
  }

  /** The name of state `name` in this layout: `name@<version>`, or `name` itself in layout 1. */
  stateName(name: string): string {
    return StateLayout.nameIn(name, this.version);
  }

  /** The name of state `name` in layout `version`. */
  private static nameIn(name: string, version: number): string {
    return version === 1 ? name : `${name}@${version}`;
  }

  /**
   * Fails with a one-line user error when the restored checkpoint holds any of the keyed
   * states `names` (by their names without a version) of another layout: without a version, or
   * with any version before this one, or with one of the {@link LATER_LAYOUTS_PROBED} versions
   * after it (a checkpoint written by a newer Weir). Call once, when the operator opens.
   */
  refuseOthers(store: StateGetters, names: readonly string[]): void {
    const last = this.version + LATER_LAYOUTS_PROBED;
    for (const name of names) {
      for (let version = 1; version <= last; version++) {
        if (version === this.version) continue;
        const other = StateLayout.nameIn(name, version);
        try {
          store.getReducingState(new ReducingStateDescriptor<never>(other, PROBE_ONLY));
        } catch (error) {
          if (!(error instanceof WeirError) || error.code !== ErrorCodes.STATE_ACCESS) throw error;
          throw this.mismatch(`state "${other}"`, version === 1 ? undefined : version, error);
        }
      }
    }
  }

  /**
   * The one-line error for restored state `what` of layout `found` (undefined: written
   * without a layout version), naming the fix: a checkpoint of an older layout cannot be read
   * by any later Weir, one of a newer layout can be by the Weir that wrote it.
   */
  mismatch(what: string, found: number | undefined, cause?: unknown): WeirError {
    const newer = found !== undefined && found > this.version;
    const writer =
      found === undefined
        ? 'an older Weir version without state layout versions'
        : newer
          ? `a newer Weir version with state layout ${found}`
          : `a Weir version with state layout ${found}`;
    const fix = newer
      ? `restore it with a Weir version that reads layout ${found}, or start the job without --restore`
      : 'start the job without --restore, or restore a checkpoint or savepoint written by this version';
    return userError(
      ErrorCodes.STATE_MISMATCH,
      `the checkpoint holds ${this.operator} ${what} written by ${writer}, and this version reads layout ${this.version} only; ${fix}`,
      cause,
    );
  }
}

/** The reduce function of the probes, which never hold a value. */
const PROBE_ONLY = {
  reduce: (): never => {
    throw new Error('a state layout probe holds no values');
  },
};

/**
 * Makes `operator` carry `layout` in its checkpoints, for operators whose keyed state the
 * runtime names: every snapshot adds a union operator state holding the version, and on
 * restore a different version fails the job, as does a missing one when keyed state was
 * restored (a checkpoint written before the marker; a job restored from a checkpoint in which
 * the operator held nothing has nothing to misread). The methods are replaced on the instance,
 * so rows still go straight to the operator's own `processElement`. Returns `operator`.
 */
export function markLayout<O extends StreamOperator<unknown>>(operator: O, layout: StateLayout): O {
  let backend: KeyedStateBackend | undefined;
  const setup = operator.setup.bind(operator);
  const initializeState = operator.initializeState?.bind(operator);
  const snapshotState = operator.snapshotState?.bind(operator);
  operator.setup = (s: OperatorSetup<unknown>) => {
    backend = s.keyedBackend;
    setup(s);
  };
  operator.initializeState = (restored: RestoredOperatorState) => {
    const versions = restored.get(LAYOUT_MARKER_STATE);
    if (versions === undefined || versions.length === 0) {
      if (backend !== undefined && backend.numEntries() > 0) throw layout.mismatch('state', undefined);
    } else
      for (const version of versions)
        if (version !== layout.version)
          throw layout.mismatch('state', typeof version === 'number' ? version : undefined);
    return initializeState?.(restored);
  };
  operator.snapshotState = (checkpointId: number) => {
    const mark = (own: OperatorStateSnapshot | undefined): OperatorStateSnapshot => ({
      ...own,
      [LAYOUT_MARKER_STATE]: { mode: 'union', entries: [layout.version] },
    });
    const own = snapshotState?.(checkpointId);
    return own instanceof Promise ? own.then(mark) : mark(own);
  };
  return operator;
}
