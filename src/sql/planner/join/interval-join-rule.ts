/**
 * IntervalJoinRule: an inner or outer join whose condition bounds one input's rowtime by the other's
 * (`b.ts BETWEEN a.ts - INTERVAL '10' SECOND AND a.ts`, or a pair of `>=`/`>`/`<=`/`<`
 * comparisons, each side a rowtime column plus or minus an interval) becomes an interval join.
 * Only time attributes count: a `window_end` or a plain TIMESTAMP column keeps the join regular.
 */
import type { Rex } from '../../expressions/rex.js';
import type { PlanColumn } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import { andOf, conjunctsOf } from './join-conditions.js';
import type { LogicalIntervalJoin } from './interval-join-nodes.js';

/** Right rowtime − left rowtime lies in [lower, upper] (inclusive, milliseconds). */
export interface IntervalBounds {
  readonly leftTime: string;
  readonly rightTime: string;
  readonly lower: number;
  readonly upper: number;
  /** The conjuncts other than the two bounds, ANDed; undefined when none. */
  readonly remaining?: Rex;
}

/** A rowtime column plus a constant offset, as one side of a time comparison. */
function timeTerm(rex: Rex, rowtimes: ReadonlySet<string>): { name: string; offset: number } | undefined {
  if (rex.kind === 'field') return rowtimes.has(rex.name) ? { name: rex.name, offset: 0 } : undefined;
  if (rex.kind !== 'call' || (rex.op !== '+' && rex.op !== '-') || rex.args.length !== 2) return undefined;
  const [a, b] = rex.args as [Rex, Rex];
  const constant = (r: Rex) =>
    r.kind === 'literal' && r.type.root === 'INTERVAL_DAY_TIME' && typeof r.value === 'number'
      ? r.value
      : undefined;
  const bv = constant(b);
  if (bv !== undefined) {
    const inner = timeTerm(a, rowtimes);
    return inner === undefined
      ? undefined
      : { name: inner.name, offset: inner.offset + (rex.op === '+' ? bv : -bv) };
  }
  const av = constant(a);
  if (av !== undefined && rex.op === '+') {
    const inner = timeTerm(b, rowtimes);
    return inner === undefined ? undefined : { name: inner.name, offset: inner.offset + av };
  }
  return undefined;
}

const rowtimesOf = (columns: readonly PlanColumn[]) =>
  new Set(columns.filter((c) => c.type.rowtime === true).map((c) => c.name));

/** The interval bounds of a join condition, or undefined when it has no lower and upper bound. */
export function intervalBounds(
  condition: Rex,
  leftColumns: readonly PlanColumn[],
  rightColumns: readonly PlanColumn[],
): IntervalBounds | undefined {
  const leftTimes = rowtimesOf(leftColumns);
  const rightTimes = rowtimesOf(rightColumns);
  if (leftTimes.size === 0 || rightTimes.size === 0) return undefined;
  const all = new Set([...leftTimes, ...rightTimes]);
  let found: { leftTime: string; rightTime: string } | undefined;
  let lower: { value: number; at: number } | undefined;
  let upper: { value: number; at: number } | undefined;
  const conjuncts = conjunctsOf(condition);
  conjuncts.forEach((c, index) => {
    if (c.kind !== 'call' || !['>=', '>', '<=', '<'].includes(c.op)) return;
    const a = timeTerm(c.args[0]!, all);
    const b = timeTerm(c.args[1]!, all);
    if (a === undefined || b === undefined) return;
    let l: typeof a;
    let r: typeof a;
    // a op b rewritten as (R − L) op' k.
    let op = c.op;
    let k: number;
    if (leftTimes.has(a.name) && rightTimes.has(b.name)) {
      [l, r] = [a, b];
      // L + la op R + rb  ⇔  R − L flip(op) la − rb
      op = ({ '>=': '<=', '>': '<', '<=': '>=', '<': '>' } as Record<string, string>)[op]!;
      k = l.offset - r.offset;
    } else if (rightTimes.has(a.name) && leftTimes.has(b.name)) {
      [r, l] = [a, b];
      k = l.offset - r.offset;
    } else return;
    if (found !== undefined && (found.leftTime !== l.name || found.rightTime !== r.name)) return;
    found = { leftTime: l.name, rightTime: r.name };
    if (op === '>=' || op === '>') {
      const value = op === '>' ? k + 1 : k;
      if (lower === undefined || value > lower.value) lower = { value, at: index };
    } else {
      const value = op === '<' ? k - 1 : k;
      if (upper === undefined || value < upper.value) upper = { value, at: index };
    }
  });
  if (found === undefined || lower === undefined || upper === undefined) return undefined;
  const rest = conjuncts.filter((_, i) => i !== lower!.at && i !== upper!.at);
  return {
    ...found,
    lower: lower.value,
    upper: upper.value,
    remaining: rest.length === 0 ? undefined : andOf(rest),
  };
}

/** Join(inner or outer, time-bounded condition) → IntervalJoin. */
export const IntervalJoinRule: RewriteRule = {
  name: 'IntervalJoinRule',
  apply(node) {
    if (node.kind !== 'join' || node.temporal !== undefined) return undefined;
    if (node.joinType === 'semi' || node.joinType === 'anti') return undefined;
    const bounds = intervalBounds(node.condition, node.left.columns, node.right.columns);
    if (bounds === undefined || bounds.lower > bounds.upper) return undefined;
    const rewritten: LogicalIntervalJoin = {
      kind: 'intervalJoin',
      left: node.left,
      right: node.right,
      joinType: node.joinType,
      condition: node.condition,
      columns: node.columns,
    };
    return Object.freeze(rewritten);
  },
};
