/**
 * The empty grouping set over no rows: `ROLLUP`'s and `CUBE`'s grand total, and `()` in
 * `GROUPING SETS`. SQL, and Flink's batch mode, give its group one row over an empty input
 * (COUNT 0, SUM NULL), as a global aggregate's; a stream gives none until a row arrives, as
 * Flink's streaming aggregate does. The Expand node gives that group constant keys (NULL for each
 * grouping column, its set's `$e` and GROUPING values), which the aggregate over it records here,
 * so that in batch mode the operator after it (`PhysicalEmptyGroupingSets`, which EXPLAIN prints
 * as EmptyGroupingSetOverNoRows) emits the group's row at the end of input where none stands.
 */
import type { Rex } from '../../expressions/rex.js';
import { inputsOf, type LogicalNode, withInputs } from '../logical.js';
import type { LogicalExpand } from './expand-nodes.js';

/**
 * `plan` with the aggregate that groups `expanded`'s rows told the keys of the groups of the
 * Expand's projections `sets` (the empty sets): one constant per group key, in key order.
 */
export function markEmptyGroups(
  plan: LogicalNode,
  expanded: LogicalExpand,
  sets: readonly number[],
): LogicalNode {
  if (sets.length === 0) return plan;
  const mark = (node: LogicalNode): LogicalNode => {
    if (node === expanded) return node;
    if (node.kind === 'aggregate' && node.input.kind === 'project' && node.input.input === expanded) {
      const below = node.input.projections;
      const groups = sets.map((set) => node.groupKeys.map((key) => constantOf(key, below, expanded, set)));
      if (groups.some((g) => g.some((rex) => rex === undefined))) return node;
      return Object.freeze({ ...node, emptyGroups: groups as Rex[][] });
    }
    return withInputs(node, inputsOf(node).map(mark));
  };
  return mark(plan);
}

/** The constant a group key holds in projection `set` of the Expand; undefined if it is not one. */
function constantOf(
  key: string,
  below: readonly { readonly name: string; readonly rex: Rex }[],
  expanded: LogicalExpand,
  set: number,
): Rex | undefined {
  const rex = below.find((p) => p.name === key)?.rex;
  if (rex?.kind !== 'field') return undefined;
  const index = expanded.columns.findIndex((c) => c.name === rex.name);
  const value = expanded.projects[set]?.[index];
  return value?.kind === 'literal' ? value : undefined;
}
