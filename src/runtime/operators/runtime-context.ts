/**
 * The RuntimeContext handed to user functions: subtask facts plus keyed state. State access
 * outside a keyed context fails with a message that says how to get one.
 */
import type { KeyedStateBackend } from '../../state/backend.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { RuntimeContext } from '../../types/functions.js';
import type { State, StateDescriptor } from '../../types/state.js';
import type { OperatorSetup } from '../operator.js';

/** Builds the runtime context of an operator's user function. */
export function createRuntimeContext(setup: OperatorSetup<unknown>): RuntimeContext {
  const backend = setup.keyedBackend;
  const state = <S extends State>(descriptor: StateDescriptor<S, any>): S => {
    if (backend === undefined) throw notKeyed(setup.name, descriptor.name);
    return backend.getOrCreateState(descriptor);
  };
  return {
    getTaskName: () => setup.name,
    getIndexOfThisSubtask: () => setup.subtaskIndex,
    getNumberOfParallelSubtasks: () => setup.parallelism,
    getMaxNumberOfParallelSubtasks: () => setup.maxParallelism,
    getAttemptNumber: () => setup.attemptNumber,
    getState: state,
    getListState: state,
    getMapState: state,
    getReducingState: state,
    getAggregatingState: state,
  } as RuntimeContext;
}

/** The error for keyed state or timers used where there is no key. */
export function notKeyed(operatorName: string, what: string): Error {
  return userError(
    ErrorCodes.STATE_ACCESS,
    `keyed state '${what}' used in '${operatorName}', which is not keyed; call keyBy(...) before this operator`,
  );
}

/** Returns the backend, or throws the not-keyed error. */
export function requireKeyed(backend: KeyedStateBackend | undefined, operatorName: string, what: string) {
  if (backend === undefined) throw notKeyed(operatorName, what);
  return backend;
}
