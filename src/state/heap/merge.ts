/**
 * Namespace merging for single-value states (reducing, aggregating), as Flink's
 * `AbstractHeapMergingState.mergeNamespaces`: the sources are removed and folded left to right,
 * then folded into the target as `combine(target, merged)`.
 */
import type { Namespace } from '../backend.js';
import { namespaceKeyOf } from '../backend.js';
import { sourceKeys } from './state-base.js';
import type { StateTable } from './state-table.js';

/** Folds two stored values; undefined means "nothing left" (e.g. both expired). */
export type Combine<V> = (a: V, b: V) => V | undefined;

/** Merges `sources` into `target` for the current key; sources end up removed. */
export function mergeSingleValues<V>(
  table: StateTable<V>,
  target: Namespace,
  sources: readonly Namespace[],
  combine: Combine<V>,
): void {
  const targetKey = namespaceKeyOf(target);
  let merged: V | undefined;
  for (const key of sourceKeys(targetKey, sources)) {
    const source = table.remove(key);
    if (source === undefined) continue;
    merged = merged === undefined ? source : combine(merged, source);
  }
  if (merged === undefined) return;
  const current = table.get(targetKey);
  const result = current === undefined ? merged : combine(current, merged);
  if (result === undefined) table.remove(targetKey);
  else table.put(targetKey, result);
}
