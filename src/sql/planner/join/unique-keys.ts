/**
 * Unique keys of a logical plan's rows, as Flink's `FlinkRelMdUniqueKeys` derives them for the
 * regular join's state layout: sets of columns no two rows of the relation share a value
 * combination of (at any time, for an updating relation). A table's PRIMARY KEY, an aggregate's
 * group keys, a window aggregate's group keys with its window bound, a deduplication's or Top-1's
 * partition keys, and a ROW_NUMBER Top-N's partition keys with the row number are unique; a
 * projection keeps a key whose columns it passes through (under their new names), a filter or
 * a watermark keeps them all, an inner join pairs its sides' keys, and a semi or anti join keeps
 * the left side's. Anything else has none known, which is always safe: the join then stores its
 * rows as a multiset.
 */
import type { LogicalNode } from '../logical.js';

/** A set of columns whose values identify a row. The empty key: the relation has one row at most. */
export type UniqueKey = readonly string[];

const MAX_KEYS = 8;

/** The unique keys known for a node's rows, shortest first; none when nothing is known. */
export function uniqueKeys(node: LogicalNode): readonly UniqueKey[] {
  const keys = derive(node);
  // Keep the list short: a join multiplies its sides' keys.
  return [...keys].sort((a, b) => a.length - b.length).slice(0, MAX_KEYS);
}

function derive(node: LogicalNode): readonly UniqueKey[] {
  switch (node.kind) {
    case 'scan': {
      const pk = node.table.primaryKey;
      return pk === undefined ? [] : [pk.columns];
    }
    case 'filter':
    case 'watermarkAssigner':
    case 'over':
      return uniqueKeys(node.input);
    case 'project': {
      // Where each input column is passed through to (a column may be passed several times).
      const renames = new Map<string, string>();
      for (const p of node.projections)
        if (p.rex.kind === 'field' && !renames.has(p.rex.name)) renames.set(p.rex.name, p.name);
      return uniqueKeys(node.input).flatMap((key) =>
        key.every((c) => renames.has(c)) ? [key.map((c) => renames.get(c)!)] : [],
      );
    }
    case 'aggregate':
      return [node.groupKeys];
    case 'windowAggregate': {
      const end = node.windowColumns.end;
      if (end !== undefined) return [[...node.groupKeys, end]];
      // Cumulating windows share their start, the others have one window per start and key.
      const start = node.windowColumns.start;
      return start !== undefined && node.window.kind !== 'CUMULATE' ? [[...node.groupKeys, start]] : [];
    }
    case 'deduplicate':
      return [node.keys];
    case 'rank':
    case 'windowRank':
      // RANK and DENSE_RANK give tied rows the same number, so only ROW_NUMBER's is unique.
      if (node.rankType !== 'ROW_NUMBER') return [];
      if (node.rankStart === 1 && node.rankEnd === 1 && node.rankColumn === undefined)
        return [node.partitionKeys];
      return node.rankColumn !== undefined ? [[...node.partitionKeys, node.rankColumn]] : [];
    case 'join': {
      if (node.joinType === 'semi' || node.joinType === 'anti') return uniqueKeys(node.left);
      if (node.joinType !== 'inner') return [];
      const left = uniqueKeys(node.left);
      const right = uniqueKeys(node.right);
      return left.flatMap((l) => right.map((r) => [...l, ...r]));
    }
    default:
      return [];
  }
}

/** How a join input's rows are stored, in Flink's names (`leftInputSpec=[…]` in EXPLAIN). */
export type JoinInputSpec =
  | { readonly kind: 'JoinKeyContainsUniqueKey'; readonly uniqueKey: UniqueKey }
  | { readonly kind: 'HasUniqueKey'; readonly uniqueKey: UniqueKey }
  | { readonly kind: 'NoUniqueKey' };

/**
 * The storage of one join input: one row per join key when the join key (the side's key
 * columns) holds a unique key, one row per unique key when the side has one, else a multiset.
 */
export function joinInputSpec(input: LogicalNode, joinKeyColumns: readonly string[]): JoinInputSpec {
  const keys = uniqueKeys(input);
  const inJoinKey = keys.find((k) => k.every((c) => joinKeyColumns.includes(c)));
  if (inJoinKey !== undefined) return { kind: 'JoinKeyContainsUniqueKey', uniqueKey: inJoinKey };
  const first = keys[0];
  return first === undefined ? { kind: 'NoUniqueKey' } : { kind: 'HasUniqueKey', uniqueKey: first };
}
