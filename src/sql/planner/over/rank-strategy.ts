/**
 * Which Top-N algorithm a rank runs, as Flink's `RankProcessStrategy` chooses it, the cheapest
 * one that is exact for the input:
 *
 * - `AppendFastStrategy` for insert-only input: rows only arrive, so only the top rows are kept.
 * - `UpdateFastStrategy` for updating input with a unique key whose sort keys only move a row
 *   towards the top: a row never leaves the top except when another displaces it, so again only
 *   the top rows are kept, and a row's update (its +U) replaces its old version found by the key.
 * - `RetractStrategy` otherwise: every row of a partition is kept, because a row leaving the top
 *   lets the next one in.
 *
 * UpdateFast is chosen here only for ROW_NUMBER and RANK (see `rankStrategy` on DENSE_RANK), and
 * only where monotonicity is certain: the input is a group aggregate
 * over insert-only rows without state retention (so it never deletes a group or restarts one),
 * seen through projections that keep its group keys (a filter could turn an update into a
 * deletion); the partition keys are group keys (a row never changes partition); and every sort
 * key is a group key (constant per row) or a COUNT or MAX sorted descending or a MIN sorted
 * ascending, the aggregates that only grow (or shrink) as rows arrive, with NULLs sorted last.
 */
import type { PhysicalNode } from '../physical.js';
import type { RankType, SortKey } from './over-nodes.js';

/** A rank's algorithm; see the module comment. */
export type RankStrategy =
  | { readonly kind: 'appendFast' }
  | { readonly kind: 'retract' }
  /** `uniqueKey`: input columns whose values identify a row across its updates. */
  | { readonly kind: 'updateFast'; readonly uniqueKey: readonly string[] };

/** How an aggregate's output column moves as rows arrive. */
type Monotonicity = 'constant' | 'increasing' | 'decreasing';

/** The strategy for a `rankType` rank over `input` partitioned by `partitionKeys`, sorted by `orderBy`. */
export function rankStrategy(
  input: PhysicalNode,
  rankType: RankType,
  partitionKeys: readonly string[],
  orderBy: readonly SortKey[],
): RankStrategy {
  if (input.changelogMode === 'insert-only') return { kind: 'appendFast' };
  // A row moving up to tie another removes a distinct value above the rows below it, so their
  // DENSE_RANK moves up and a row outside the kept top can come back in.
  if (rankType === 'DENSE_RANK') return { kind: 'retract' };
  const columns = monotonicColumns(input);
  if (columns === undefined) return { kind: 'retract' };
  const { uniqueKey, moves } = columns;
  if (!partitionKeys.every((k) => moves.get(k) === 'constant')) return { kind: 'retract' };
  for (const key of orderBy) {
    const move = moves.get(key.column);
    const upward = key.descending ? 'increasing' : 'decreasing';
    // NULLs sorted to the top would make a MAX or MIN that leaves NULL move down.
    if (move !== 'constant' && (move !== upward || key.nullsFirst)) return { kind: 'retract' };
  }
  return { kind: 'updateFast', uniqueKey };
}

/** EXPLAIN's name of a strategy, as Flink prints it. */
export function rankStrategyText(strategy: RankStrategy): string {
  switch (strategy.kind) {
    case 'appendFast':
      return 'AppendFastStrategy';
    case 'retract':
      return 'RetractStrategy';
    case 'updateFast':
      return `UpdateFastStrategy[${strategy.uniqueKey.join(', ')}]`;
  }
}

/**
 * The unique key and the monotonic columns of `node`'s rows, by its column names; undefined
 * when `node` is not a monotonic group aggregate seen through projections.
 */
function monotonicColumns(
  node: PhysicalNode,
): { uniqueKey: readonly string[]; moves: Map<string, Monotonicity> } | undefined {
  if (node.kind === 'calc') {
    if (node.condition !== undefined) return undefined;
    const below = monotonicColumns(node.input);
    if (below === undefined) return undefined;
    const moves = new Map<string, Monotonicity>();
    const renamed = new Map<string, string>();
    for (const p of node.projections) {
      if (p.rex.kind !== 'field') continue;
      const move = below.moves.get(p.rex.name);
      if (move !== undefined) moves.set(p.name, move);
      if (!renamed.has(p.rex.name)) renamed.set(p.rex.name, p.name);
    }
    if (!below.uniqueKey.every((k) => renamed.has(k))) return undefined;
    return { uniqueKey: below.uniqueKey.map((k) => renamed.get(k)!), moves };
  }
  let aggregateInput: PhysicalNode;
  if (node.kind === 'groupAggregate') aggregateInput = node.input;
  else if (node.kind === 'globalGroupAggregate') aggregateInput = node.input.input;
  else return undefined;
  if (aggregateInput.changelogMode !== 'insert-only' || node.stateTtlMs !== undefined) return undefined;
  // A global aggregate (no group keys) has one row: its key is the empty one.
  const moves = new Map<string, Monotonicity>(node.groupKeys.map((k) => [k, 'constant']));
  for (const call of node.calls) {
    const fn = call.fn;
    if (fn === 'COUNT' || fn === 'MAX') moves.set(call.name, 'increasing');
    else if (fn === 'MIN') moves.set(call.name, 'decreasing');
  }
  return { uniqueKey: node.groupKeys, moves };
}
