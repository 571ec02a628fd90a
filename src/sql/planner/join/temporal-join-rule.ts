/**
 * The TemporalJoinRule: a join the builder marked `FOR SYSTEM_TIME AS OF l.t` becomes a
 * temporal join, once the rule has checked what Flink checks. The right side must be a
 * versioned table: it has a primary key, and the condition equates every primary-key column
 * with a left column, because the join looks up one version per key. `l.t` must be a time
 * attribute of the left side: a rowtime column gives an event-time join (the right side then
 * needs a rowtime too, its versions' validity starts), a `PROCTIME()` column a processing-time
 * join against the latest version.
 *
 * The primary key is found by walking the right plan down to its table through filters,
 * watermark assigners and projections that pass key columns through (the builder renames
 * clashing right columns in such a projection); a deduplication that keeps each key's last row
 * (a versioned view) makes its keys the primary key.
 *
 * A processing-time join against a bounded table is a lookup join instead (lookup-join-rule.ts):
 * no primary key is needed, since the table is looked up rather than versioned.
 */
import { validationError, unsupported } from '../../errors.js';
import { call, type Rex } from '../../expressions/rex.js';
import { Types } from '../../catalog/types.js';
import type { LogicalNode } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import type { LogicalJoin } from './join-nodes.js';
import { lookupJoinOf } from './lookup-join-rule.js';
import type { LogicalTemporalJoin } from './temporal-join-nodes.js';

/** Equalities between a left and a right column, and what else the condition says. */
export interface SplitCondition {
  readonly pairs: readonly { readonly left: string; readonly right: string }[];
  /** The conjuncts that are not such equalities, ANDed; undefined when there are none. */
  readonly residual: Rex | undefined;
}

/** The conjuncts of a condition (`a AND b AND c` → `[a, b, c]`); TRUE gives none. */
export function conjuncts(rex: Rex): Rex[] {
  if (rex.kind === 'call' && rex.op === 'AND') return rex.args.flatMap(conjuncts);
  if (rex.kind === 'literal' && rex.value === true) return [];
  return [rex];
}

/** ANDs conditions together; undefined for none. */
export function andAll(rexes: readonly Rex[]): Rex | undefined {
  if (rexes.length === 0) return undefined;
  return rexes.reduce((a, b) =>
    call('AND', [a, b], { ...Types.BOOLEAN, nullable: a.type.nullable || b.type.nullable }),
  );
}

/** Splits a join condition into left = right column equalities and the rest. */
export function splitJoinCondition(
  condition: Rex,
  leftNames: ReadonlySet<string>,
  rightNames: ReadonlySet<string>,
): SplitCondition {
  const pairs: { left: string; right: string }[] = [];
  const rest: Rex[] = [];
  for (const c of conjuncts(condition)) {
    if (c.kind === 'call' && c.op === '=' && c.args.length === 2) {
      const [a, b] = c.args as [Rex, Rex];
      if (a.kind === 'field' && b.kind === 'field') {
        if (leftNames.has(a.name) && rightNames.has(b.name)) {
          pairs.push({ left: a.name, right: b.name });
          continue;
        }
        if (leftNames.has(b.name) && rightNames.has(a.name)) {
          pairs.push({ left: b.name, right: a.name });
          continue;
        }
      }
    }
    rest.push(c);
  }
  return { pairs, residual: andAll(rest) };
}

/**
 * The primary key of a plan's rows, in the plan's column names, and the table's name; undefined
 * when the plan does not pass its table's key through.
 */
export function primaryKeyOf(node: LogicalNode): { columns: string[]; table: string } | undefined {
  switch (node.kind) {
    case 'scan': {
      const key = node.table.primaryKey;
      return key === undefined ? undefined : { columns: [...key.columns], table: node.table.name };
    }
    case 'filter':
    case 'watermarkAssigner':
      return primaryKeyOf(node.input);
    case 'project': {
      const inner = primaryKeyOf(node.input);
      if (inner === undefined) return undefined;
      const columns: string[] = [];
      for (const k of inner.columns) {
        const out = node.projections.find((p) => p.rex.kind === 'field' && p.rex.name === k);
        if (out === undefined) return undefined;
        columns.push(out.name);
      }
      return { columns, table: inner.table };
    }
    case 'deduplicate':
      // Keeping the last row per key (ROW_NUMBER … ORDER BY rowtime DESC, rn = 1) makes the
      // keys a primary key: Flink's versioned view.
      return node.keepLast ? { columns: [...node.keys], table: tableNameOf(node) } : undefined;
    default:
      return undefined;
  }
}

/** The name of the first table under a plan, for messages. */
function tableNameOf(node: LogicalNode): string {
  if (node.kind === 'scan') return node.table.name;
  const inputs = 'input' in node ? [node.input] : [];
  return inputs.length === 0 ? 'the right side' : tableNameOf(inputs[0]!);
}

/** Recognises `FOR SYSTEM_TIME AS OF` joins; see the module comment for the checks. */
export const TemporalJoinRule: RewriteRule = {
  name: 'TemporalJoinRule',
  apply(node) {
    if (node.kind !== 'join' || node.temporal === undefined) return undefined;
    return temporalJoinOf(node, node.temporal.leftTime);
  },
};

function temporalJoinOf(node: LogicalJoin, leftTime: string): LogicalTemporalJoin {
  const pos = node.condition.kind === 'call' ? node.condition.pos : undefined;
  const time = node.left.columns.find((c) => c.name === leftTime);
  const timeKind = time?.type.rowtime ? 'event' : time?.type.proctime ? 'processing' : undefined;
  if (timeKind === undefined)
    throw validationError(
      pos,
      `FOR SYSTEM_TIME AS OF needs a time attribute of the left table, but '${leftTime}' is not one; use its rowtime column (WATERMARK FOR) or a PROCTIME() column`,
    );
  if (node.joinType !== 'inner' && node.joinType !== 'left')
    throw unsupported(
      pos,
      `${node.joinType.toUpperCase()} JOIN … FOR SYSTEM_TIME AS OF`,
      'use JOIN or LEFT JOIN',
    );
  if (timeKind === 'processing') {
    const lookup = lookupJoinOf(node, pos);
    if (lookup !== undefined)
      return Object.freeze({
        kind: 'temporalJoin',
        left: node.left,
        right: node.right,
        joinType: node.joinType,
        condition: node.condition,
        leftTime,
        timeKind,
        leftKeys: Object.freeze([]),
        rightKeys: Object.freeze(lookup.lookup.keys.map((k) => k.right)),
        residual: lookup.residual,
        rightTime: undefined,
        lookup: lookup.lookup,
        columns: node.columns,
      });
  }
  const rightTable = tableNameOf(node.right);
  const key = primaryKeyOf(node.right);
  if (key === undefined)
    throw validationError(
      pos,
      `temporal join needs a versioned table on the right, but '${rightTable}' has no primary key; declare PRIMARY KEY (…) NOT ENFORCED on it`,
    );
  const split = splitJoinCondition(
    node.condition,
    new Set(node.left.columns.map((c) => c.name)),
    new Set(node.right.columns.map((c) => c.name)),
  );
  const leftKeys: string[] = [];
  for (const k of key.columns) {
    const pair = split.pairs.find((p) => p.right === k);
    if (pair === undefined)
      throw validationError(
        pos,
        `temporal join condition must equate the primary key of '${key.table}' (${key.columns.join(', ')}) with left columns, but '${k}' is not; add ON … = ${rightTable}.${k}`,
      );
    leftKeys.push(pair.left);
  }
  // Equalities on non-key columns stay in the residual condition, checked per joined row.
  const extra = split.pairs
    .filter((p) => !key.columns.includes(p.right))
    .map((p) => {
      const l = node.left.columns.find((c) => c.name === p.left)!;
      const r = node.right.columns.find((c) => c.name === p.right)!;
      return call(
        '=',
        [
          { kind: 'field', name: p.left, type: l.type },
          { kind: 'field', name: p.right, type: r.type },
        ],
        { ...Types.BOOLEAN, nullable: l.type.nullable || r.type.nullable },
      );
    });
  const residual = andAll([...extra, ...(split.residual === undefined ? [] : [split.residual])]);
  let rightTime: string | undefined;
  if (timeKind === 'event') {
    rightTime = node.right.columns.find((c) => c.type.rowtime)?.name;
    if (rightTime === undefined)
      throw validationError(
        pos,
        `event-time temporal join needs a versioned table with a rowtime, but '${rightTable}' has none; add WATERMARK FOR <column> AS … to it`,
      );
  }
  return Object.freeze({
    kind: 'temporalJoin',
    left: node.left,
    right: node.right,
    joinType: node.joinType,
    condition: node.condition,
    leftTime,
    timeKind,
    leftKeys: Object.freeze(leftKeys),
    rightKeys: Object.freeze(key.columns),
    residual,
    rightTime,
    columns: node.columns,
  });
}
