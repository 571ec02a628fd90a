/**
 * The shuffle a sink table adds before its writers only above parallelism 1 (one key's rows,
 * or one partition's, must reach one writer). Operators without a uid are named by their place
 * in the environment's id sequence: a shuffle taking an id there would give the sink (and every
 * operator planned after it) another uid at p = 1 than at p > 1, and a savepoint could not be
 * restored at the other parallelism. A shuffle holds no state and needs no uid of its own, so
 * this one takes no id.
 */
import { DataStream } from '../../api/data-stream.js';
import { OUTSIDE_ID_SEQUENCE, Transformation } from '../../graph/transformation.js';

/** `stream` hash-partitioned by `keyOf`, by a shuffle that takes no id from the sequence. */
export function keyedOutsideIdSequence<T>(
  stream: DataStream<T>,
  keyOf: (element: T) => unknown,
): DataStream<T> {
  const shuffle = new Transformation(OUTSIDE_ID_SEQUENCE, 'partition', 'HASH', [stream.transformation], {
    partitioner: { kind: 'hash', keySelector: keyOf as (element: unknown) => unknown },
  });
  return new DataStream<T>(stream.environment, shuffle);
}
