/**
 * The RuntimeContext handed to user functions: subtask facts plus keyed state. State access
 * outside a keyed context fails with a message that says how to get one.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { RuntimeContext } from '../../types/functions.js';
import type { State, StateDescriptor } from '../../types/state.js';
import type { OperatorSetup } from '../operator.js';

/** Builds the runtime context of an operator's user function. */
export function createRuntimeContext<OUT>(setup: OperatorSetup<OUT>): RuntimeContext {
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

/** The error for keyed state used where there is no key. */
function notKeyed(operatorName: string, what: string): Error {
  return userError(
    ErrorCodes.STATE_ACCESS,
    `keyed state '${what}' used in '${operatorName}', which is not keyed; call keyBy(...) before this operator`,
  );
}
