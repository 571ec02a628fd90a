/**
 * The stateless local phase of a two-phase aggregate (a GROUP BY's or a window's), placed in a
 * job so the plan keeps the one-phase plan's uids.
 *
 * Operators without a uid get one from their place in the environment's id sequence, so an
 * operator that only one plan has would move the uid of every operator after it, and a
 * savepoint taken under one `table.optimizer.agg-phase-strategy` would restore its state into
 * the wrong operators (or none) under the other. The local phase therefore takes no id from the
 * sequence: the shuffle and the global phase after it take the two ids the one-phase plan's
 * shuffle and aggregate would, and the local phase's uid is derived from the global phase's
 * (`one-input-<global id>-local`), a uid no one-phase operator has. The global phase's state is
 * the one-phase aggregate's, so a savepoint of either plan restores in the other.
 */
import { DataStream } from '../../api/data-stream.js';
import { OUTSIDE_ID_SEQUENCE, Transformation } from '../../graph/transformation.js';
import type { OneInputStreamOperator } from '../../runtime/operator.js';

/**
 * `global` applied to the local phase `name` (operators from `createOperator`) over `input`,
 * with the local phase outside the id sequence and its uid derived from the stream `global`
 * returns, whose last operator must be the global phase.
 */
export function withLocalPhase<T, P, R>(
  input: DataStream<T>,
  name: string,
  createOperator: () => OneInputStreamOperator<T, P>,
  global: (local: DataStream<P>) => DataStream<R>,
): DataStream<R> {
  const local = new Transformation(OUTSIDE_ID_SEQUENCE, 'one-input', name, [input.transformation], {
    createOperator,
  });
  const out = global(new DataStream<P>(input.environment, local));
  local.uid = `one-input-${out.transformation.id}-local`;
  return out;
}
